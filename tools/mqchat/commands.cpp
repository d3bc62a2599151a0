// mqchat CLI: the scripting subcommands (send, history, tail, groups). Each connects, does one
// thing, prints one record per line and exits with a documented code.
#include <iostream>
#include <map>
#include <variant>

#include "cli.h"
#include "protocol/fields.h"
#include "protocol/ids.h"
#include "protocol/json_util.h"

namespace mqchat::cli {
namespace {

int Usage(const std::string& what) {
  PrintError("mqchat: " + what + " (see mqchat --help)");
  return kExitUsage;
}

// Connects a client for one subcommand; null with `*code` set on failure.
std::unique_ptr<Client> Open(const Settings& s, int* code, size_t queue = 10000) {
  auto client = MakeClient(s, queue);
  if (!client) {
    *code = kExitUsage;
    return nullptr;
  }
  *code = ConnectOrExit(*client, s);
  if (*code != kExitOk) return nullptr;
  return client;
}

}  // namespace

int RunSend(const Settings& s) {
  std::vector<std::string> texts;
  if (!s.words.empty()) {
    std::string text;
    for (size_t i = 0; i < s.words.size(); ++i) text += (i > 0 ? " " : "") + s.words[i];
    texts.push_back(text);
  } else {
    for (std::string line; std::getline(std::cin, line);) {
      if (!line.empty()) texts.push_back(line);
    }
    if (texts.empty()) return Usage("send: no text given and nothing on stdin");
  }
  int code = kExitOk;
  auto client = Open(s, &code);
  if (!client) return code;
  const int64_t conversation = ResolveConversation(*client, s, s.conversation, false, &code);
  if (conversation == 0) return code;
  // Queue everything first: the SDK sends in order and acks come back pipelined.
  std::vector<std::future<Result<Ack>>> acks;
  for (auto& t : texts) acks.push_back(client->Send(conversation, t));
  for (auto& f : acks) {
    auto ack = Await(f, s.timeout, Result<Ack>(Status::Unavailable("timed out waiting for the ack")));
    if (!ack.ok()) {
      PrintError("mqchat: send: " + Describe(ack.status()));
      return ExitCodeFor(ack.status());
    }
    PrintLine(FormatAck(*ack, s.json));
  }
  return kExitOk;
}

int RunHistory(const Settings& s) {
  int code = kExitOk;
  auto client = Open(s, &code);
  if (!client) return code;
  const int64_t conversation = ResolveConversation(*client, s, s.conversation, false, &code);
  if (conversation == 0) return code;
  const int limit = s.limit > 0 ? s.limit : 20;
  auto query = s.before > 0 ? HistoryQuery::Before(s.before, limit)
                                     : HistoryQuery::Latest(limit);
  auto future = client->History(conversation, query);
  auto page = Await(future, s.timeout, Result<HistoryPage>(Status::Unavailable("timed out")));
  if (!page.ok()) {
    PrintError("mqchat: history: " + Describe(page.status()));
    return ExitCodeFor(page.status());
  }
  for (const auto& m : page->messages) PrintLine(FormatMessage(m, s.json));
  return kExitOk;
}

int RunTail(const Settings& s) {
  int code = kExitOk;
  // Without a cache file, sync replays the whole history through the event queue: room for it.
  auto client = Open(s, &code, 10'000'000);
  if (!client) return code;
  const int64_t conversation = ResolveConversation(*client, s, s.conversation, false, &code);
  if (conversation == 0) return code;

  // Where "new" starts: the newest message now. The last -n of those are printed first.
  const int backlog = s.limit > 0 ? s.limit : 0;
  auto future = client->History(conversation, HistoryQuery::Latest(backlog > 0 ? backlog : 1));
  auto page = Await(future, s.timeout, Result<HistoryPage>(Status::Unavailable("timed out")));
  if (!page.ok()) {
    PrintError("mqchat: tail: " + Describe(page.status()));
    return ExitCodeFor(page.status());
  }
  int64_t printed = 0;
  for (const auto& m : page->messages) {
    if (backlog > 0) PrintLine(FormatMessage(m, s.json));
    printed = m.seq;
  }

  const int64_t want = s.count;
  const auto deadline = s.for_s > 0
                            ? std::chrono::steady_clock::now() + std::chrono::seconds(s.for_s)
                            : std::chrono::steady_clock::time_point::max();
  int64_t seen = 0;
  while (want == 0 || seen < want) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return want > 0 ? kExitTimeout : kExitOk;
    const auto wait = std::min<std::chrono::steady_clock::duration>(deadline - now,
                                                                     std::chrono::seconds(1));
    auto event = client->NextEvent(std::chrono::duration_cast<std::chrono::milliseconds>(wait));
    if (!event) continue;
    if (auto* m = std::get_if<Message>(&*event)) {
      if (m->conversation_id != conversation || m->seq <= printed) continue;
      PrintLine(FormatMessage(*m, s.json));
      printed = m->seq;
      ++seen;
    } else if (auto* c = std::get_if<ConnectionEvent>(&*event)) {
      if (c->state == ConnectionState::kDisconnected && !c->reason.ok()) {
        PrintError("mqchat: tail: " + ConnectFailureInWords(c->reason, s));
        return c->reason.code() == Code::kUnauthenticated ? kExitAuth : kExitUnreachable;
      }
    }
  }
  return kExitOk;
}

int RunGroups(const Settings& s) {
  int code = kExitOk;
  auto client = Open(s, &code);
  if (!client) return code;

  if (s.command == "groups create") {
    auto future = client->CreateGroup(s.conversation, s.words);
    auto c = Await(future, s.timeout, Result<Conversation>(Status::Unavailable("timed out")));
    if (!c.ok()) {
      PrintError("mqchat: groups create: " + Describe(c.status()));
      return ExitCodeFor(c.status());
    }
    PrintLine(s.json ? protocol::DumpJson({{protocol::fields::kConversationId,
                                            protocol::FormatId(c->id)}})
                     : std::to_string(c->id));
    return kExitOk;
  }
  if (s.command == "groups add") {
    const int64_t id = ResolveConversation(*client, s, s.conversation, false, &code);
    if (id == 0) return code;
    auto future = client->AddMembers(id, s.words);
    auto added = Await(future, s.timeout,
                       Result<std::vector<std::string>>(Status::Unavailable("timed out")));
    if (!added.ok()) {
      PrintError("mqchat: groups add: " + Describe(added.status()));
      return ExitCodeFor(added.status());
    }
    for (const auto& u : *added) PrintLine(u);
    return kExitOk;
  }
  auto future = client->Conversations();
  auto list = Await(future, s.timeout,
                    Result<std::vector<ConversationSummary>>(Status::Unavailable("timed out")));
  if (!list.ok()) {
    PrintError("mqchat: groups: " + Describe(list.status()));
    return ExitCodeFor(list.status());
  }
  for (const auto& c : *list) {
    if (s.all || c.kind == ConversationKind::kGroup) PrintLine(FormatSummary(c, s.json));
  }
  return kExitOk;
}

}  // namespace mqchat::cli
