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

// Parses "-n N"-style flags of a subcommand; leaves positional arguments in `rest`.
bool SubFlags(const std::vector<std::string>& args, std::map<std::string, long>* flags,
              std::vector<std::string>* rest, bool* all) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--all") {
      if (all == nullptr) return false;
      *all = true;
    } else if (a == "-n" || a == "--before" || a == "--count" || a == "--for") {
      if (flags->count(a) == 0 || i + 1 >= args.size()) return false;
      char* end = nullptr;
      const long v = std::strtol(args[i + 1].c_str(), &end, 10);
      if (args[i + 1].empty() || *end != '\0' || v < 0) return false;
      (*flags)[a] = v;
      ++i;
    } else {
      rest->push_back(a);
    }
  }
  return true;
}

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
  if (s.args.empty()) return Usage("send needs a conversation");
  std::vector<std::string> texts;
  if (s.args.size() > 1) {
    std::string text;
    for (size_t i = 1; i < s.args.size(); ++i) text += (i > 1 ? " " : "") + s.args[i];
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
  const int64_t conversation = ResolveConversation(*client, s, s.args[0], false, &code);
  if (conversation == 0) return code;
  // Queue everything first: the SDK sends in order and acks come back pipelined.
  std::vector<std::future<Result<Ack>>> acks;
  for (auto& t : texts) acks.push_back(client->Send(conversation, t));
  for (auto& f : acks) {
    auto ack = Await(f, s.timeout, Result<Ack>(Status::Unavailable("timed out waiting for the ack")));
    if (!ack.ok()) {
      PrintError("mqchat: send: " + ack.status().ToString());
      return ExitCodeFor(ack.status());
    }
    PrintLine(FormatAck(*ack, s.json));
  }
  return kExitOk;
}

int RunHistory(const Settings& s) {
  std::map<std::string, long> flags{{"-n", 20}, {"--before", 0}};
  std::vector<std::string> rest;
  if (!SubFlags(s.args, &flags, &rest, nullptr) || rest.size() != 1) {
    return Usage("usage: history CONV [-n N] [--before SEQ]");
  }
  if (flags["-n"] < 1 || flags["-n"] > 100) return Usage("history: -n must be 1..100");
  int code = kExitOk;
  auto client = Open(s, &code);
  if (!client) return code;
  const int64_t conversation = ResolveConversation(*client, s, rest[0], false, &code);
  if (conversation == 0) return code;
  const int limit = static_cast<int>(flags["-n"]);
  auto query = flags["--before"] > 0 ? HistoryQuery::Before(flags["--before"], limit)
                                     : HistoryQuery::Latest(limit);
  auto future = client->History(conversation, query);
  auto page = Await(future, s.timeout, Result<HistoryPage>(Status::Unavailable("timed out")));
  if (!page.ok()) {
    PrintError("mqchat: history: " + page.status().ToString());
    return ExitCodeFor(page.status());
  }
  for (const auto& m : page->messages) PrintLine(FormatMessage(m, s.json));
  return kExitOk;
}

int RunTail(const Settings& s) {
  std::map<std::string, long> flags{{"-n", 0}, {"--count", 0}, {"--for", 0}};
  std::vector<std::string> rest;
  if (!SubFlags(s.args, &flags, &rest, nullptr) || rest.size() != 1) {
    return Usage("usage: tail CONV [-n N] [--count K] [--for SECONDS]");
  }
  if (flags["-n"] > 100) return Usage("tail: -n must be 0..100");
  int code = kExitOk;
  // Without a cache file, sync replays the whole history through the event queue: room for it.
  auto client = Open(s, &code, 10'000'000);
  if (!client) return code;
  const int64_t conversation = ResolveConversation(*client, s, rest[0], false, &code);
  if (conversation == 0) return code;

  // Where "new" starts: the newest message now. The last -n of those are printed first.
  const int backlog = static_cast<int>(flags["-n"]);
  auto future = client->History(conversation, HistoryQuery::Latest(backlog > 0 ? backlog : 1));
  auto page = Await(future, s.timeout, Result<HistoryPage>(Status::Unavailable("timed out")));
  if (!page.ok()) {
    PrintError("mqchat: tail: " + page.status().ToString());
    return ExitCodeFor(page.status());
  }
  int64_t printed = 0;
  for (const auto& m : page->messages) {
    if (backlog > 0) PrintLine(FormatMessage(m, s.json));
    printed = m.seq;
  }

  const long want = flags["--count"];
  const auto deadline = flags["--for"] > 0
                            ? std::chrono::steady_clock::now() + std::chrono::seconds(flags["--for"])
                            : std::chrono::steady_clock::time_point::max();
  long seen = 0;
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
        PrintError("mqchat: tail: " + c->reason.ToString());
        return c->reason.code() == Code::kUnauthenticated ? kExitAuth : kExitUnreachable;
      }
    }
  }
  return kExitOk;
}

int RunGroups(const Settings& s) {
  std::map<std::string, long> flags;
  std::vector<std::string> rest;
  bool all = false;
  if (!SubFlags(s.args, &flags, &rest, &all)) return Usage("usage: groups [--all]");
  const std::string verb = rest.empty() ? "list" : rest[0];
  if (verb == "create" && rest.size() < 2) return Usage("usage: groups create NAME [USER...]");
  if (verb == "add" && rest.size() < 3) return Usage("usage: groups add CONV USER...");
  if (verb != "list" && verb != "create" && verb != "add") {
    return Usage("unknown groups command '" + verb + "'");
  }
  if (verb == "list" && rest.size() > 1) return Usage("usage: groups [--all]");
  int code = kExitOk;
  auto client = Open(s, &code);
  if (!client) return code;

  if (verb == "create") {
    std::vector<std::string> members(rest.begin() + 2, rest.end());
    auto future = client->CreateGroup(rest[1], members);
    auto c = Await(future, s.timeout, Result<Conversation>(Status::Unavailable("timed out")));
    if (!c.ok()) {
      PrintError("mqchat: groups create: " + c.status().ToString());
      return ExitCodeFor(c.status());
    }
    PrintLine(s.json ? protocol::DumpJson({{protocol::fields::kConversationId,
                                            protocol::FormatId(c->id)}})
                     : std::to_string(c->id));
    return kExitOk;
  }
  if (verb == "add") {
    const int64_t id = ResolveConversation(*client, s, rest[1], false, &code);
    if (id == 0) return code;
    auto future = client->AddMembers(id, std::vector<std::string>(rest.begin() + 2, rest.end()));
    auto added = Await(future, s.timeout,
                       Result<std::vector<std::string>>(Status::Unavailable("timed out")));
    if (!added.ok()) {
      PrintError("mqchat: groups add: " + added.status().ToString());
      return ExitCodeFor(added.status());
    }
    for (const auto& u : *added) PrintLine(u);
    return kExitOk;
  }
  auto future = client->Conversations();
  auto list = Await(future, s.timeout,
                    Result<std::vector<ConversationSummary>>(Status::Unavailable("timed out")));
  if (!list.ok()) {
    PrintError("mqchat: groups: " + list.status().ToString());
    return ExitCodeFor(list.status());
  }
  for (const auto& c : *list) {
    if (all || c.kind == ConversationKind::kGroup) PrintLine(FormatSummary(c, s.json));
  }
  return kExitOk;
}

}  // namespace mqchat::cli
