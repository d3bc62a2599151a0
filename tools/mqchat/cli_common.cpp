// mqchat CLI: connecting, conversation resolution, errors in words, output formatting.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>

#include "api_login.h"
#include "cli.h"
#include "console.h"
#include "convert.h"
#include "message_lines.h"
#include "protocol/errors.h"
#include "protocol/ids.h"
#include "protocol/json_util.h"
#include "protocol/wire.h"

namespace mqchat::cli {
namespace {

std::mutex& OutputMutex() {
  static std::mutex mu;
  return mu;
}

std::string Env(const char* name, const std::string& fallback = "") {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::string(v) : fallback;
}

std::string EscapeField(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      default: out += c;
    }
  }
  return out;
}

// A protocol error code in words, for an error that came without a detail.
std::string CodeInWords(protocol::ErrorCode code) {
  using protocol::ErrorCode;
  switch (code) {
    case ErrorCode::kNotMember: return "you are not a member of that conversation";
    case ErrorCode::kNotFound: return "no such user or conversation";
    case ErrorCode::kForbidden: return "not allowed";
    case ErrorCode::kTooLong: return "the message is too long";
    case ErrorCode::kEmptyText: return "the message is empty";
    case ErrorCode::kGroupFull: return "the group is full";
    case ErrorCode::kRateLimited: return "too many requests; try again shortly";
    case ErrorCode::kOverloaded: return "the server is busy; try again shortly";
    case ErrorCode::kUnavailable: return "the server cannot do that right now; try again";
    default: return "the server refused the request";
  }
}

}  // namespace

std::string Describe(const Status& status) {
  std::string message = status.message();
  std::optional<protocol::ErrorCode> code;
  // Errors from the server lead with their protocol code ("NOT_FOUND: ..."), sometimes twice
  // (a store's error wrapped in a reply): the words after them are what to show.
  while (true) {
    const size_t colon = message.find(':');
    if (colon == std::string::npos) break;
    auto parsed = protocol::ParseErrorCode(std::string_view(message).substr(0, colon));
    if (!parsed) break;
    code = parsed;
    message.erase(0, message.find_first_not_of(' ', colon + 1) == std::string::npos
                         ? message.size()
                         : message.find_first_not_of(' ', colon + 1));
  }
  if (message.empty()) return code ? CodeInWords(*code) : "failed";
  return message;
}

std::string FormatClock(int64_t unix_ms, int64_t now_ms) {
  const std::time_t t = static_cast<std::time_t>(unix_ms / 1000);
  const std::time_t now = static_cast<std::time_t>(now_ms / 1000);
  std::tm local{}, today{};
  localtime_r(&t, &local);
  localtime_r(&now, &today);
  const bool same_day = local.tm_year == today.tm_year && local.tm_yday == today.tm_yday;
  char buf[32];
  std::strftime(buf, sizeof buf, same_day ? "%H:%M" : "%Y-%m-%d %H:%M", &local);
  return buf;
}

std::unique_ptr<Client> MakeClient(const Settings& s, size_t event_queue_capacity) {
  const char* scheme = s.websocket ? (s.tls ? "wss://" : "ws://") : (s.tls ? "ssl://" : "tcp://");
  const std::string uri = scheme + s.host + ":" + std::to_string(s.port);
  ClientOptions::Builder builder;
  // A stored login or the API service gives tokens; the password goes to the broker only
  // without either (which it refuses unless the operator enabled password_login).
  if (!s.session_path.empty()) {
    builder.TokenProvider(s.user, StoredLoginProvider(s.session_path, s.api_ca_file));
  } else if (!s.api.empty()) {
    builder.TokenProvider(s.user, PasswordLoginProvider(s));
  } else {
    builder.Credentials(s.user, s.password);
  }
  auto options = builder
                     .Server(uri)
                     .TrustedCaFile(s.ca_file)
                     .Device(s.device)
                     .CachePath(s.cache)
                     .ConnectTimeout(s.timeout)
                     .RequestTimeout(s.timeout)
                     .AutoReconnect(true, std::chrono::milliseconds(250), std::chrono::seconds(10))
                     // Without a cache file nothing of this session is worth keeping queued.
                     .PersistentSession(!s.cache.empty())
                     .EventQueueCapacity(event_queue_capacity)
                     .Logger(Env("MQCHAT_DEBUG").empty()
                                 ? std::function<void(std::string_view)>()
                                 : [](std::string_view line) { PrintError(std::string(line)); })
                     .Build();
  if (!options.ok()) {
    PrintError("mqchat: " + options.status().message());
    return nullptr;
  }
  auto client = Client::Create(*options);
  if (!client.ok()) {
    PrintError("mqchat: " + Describe(client.status()));
    return nullptr;
  }
  return std::move(*client);
}

std::string ConnectFailureInWords(const Status& status, const Settings& s) {
  const std::string where = s.host + ":" + std::to_string(s.port);
  switch (status.code()) {
    case Code::kUnauthenticated:
      return "the server at " + where + " refused user " + s.user +
             ": wrong password or token, or the account is disabled";
    case Code::kPermissionDenied:
      return "the server at " + where + " does not let user " + s.user + " in (banned)";
    case Code::kFailedPrecondition:
      return "the server at " + where + " refused the connection settings (device id '" +
             s.device + "' or protocol version)";
    default:
      return "cannot reach the server at " + where + " (is it running, and is the port right?)";
  }
}

int ConnectOrExit(Client& client, const Settings& s) {
  Status st = client.Connect();
  if (st.ok()) return kExitOk;
  PrintError("mqchat: " + ConnectFailureInWords(st, s));
  return st.code() == Code::kUnauthenticated || st.code() == Code::kPermissionDenied
             ? kExitAuth
             : kExitUnreachable;
}

int ExitCodeFor(const Status& status) {
  if (status.ok()) return kExitOk;
  if (status.IsRetryable()) {
    return status.message().find("no response") != std::string::npos ||
                   status.message().find("timed out") != std::string::npos
               ? kExitTimeout
               : kExitUnreachable;
  }
  return kExitRefused;
}

namespace {

// The group named `name`: exact spelling first, then ignoring ASCII case. 0 if none; -1 (and
// the candidates printed) if several.
int64_t FindGroupByName(const std::vector<ConversationSummary>& list, const std::string& name) {
  auto lower = [](std::string t) {
    for (char& c : t) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return t;
  };
  for (bool exact : {true, false}) {
    std::vector<int64_t> found;
    for (const auto& c : list) {
      if (c.kind != ConversationKind::kGroup) continue;
      if (exact ? c.name == name : lower(c.name) == lower(name)) found.push_back(c.id);
    }
    if (found.size() == 1) return found[0];
    if (found.size() > 1) {
      std::string ids;
      for (int64_t id : found) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
      PrintError("mqchat: several groups are named '" + name + "' (" + ids + "); give the id");
      return -1;
    }
  }
  return 0;
}

}  // namespace

int64_t ResolveConversation(Client& client, const Settings& s, const std::string& spec,
                            bool bare_user_ok, int* exit_code) {
  if (spec.empty()) {
    *exit_code = kExitUsage;
    PrintError("mqchat: no conversation given");
    return 0;
  }
  if (auto id = protocol::ParseId(spec)) return *id;
  if (spec[0] != '@') {
    auto future = client.Conversations();
    auto list = Await(future, s.timeout,
                      Result<std::vector<ConversationSummary>>(Status::Unavailable("timed out")));
    if (!list.ok()) list = client.CachedConversations();
    const int64_t group = list.ok() ? FindGroupByName(*list, spec) : 0;
    if (group != 0) {
      if (group < 0) *exit_code = kExitUsage;
      return group > 0 ? group : 0;
    }
    if (!bare_user_ok) {
      PrintError("mqchat: no group named '" + spec +
                 "' (give a conversation id, @USER or a group's name)");
      *exit_code = kExitRefused;
      return 0;
    }
  }
  const std::string user = spec[0] == '@' ? spec.substr(1) : spec;
  auto future = client.OpenDirect(user);
  auto c = Await(future, s.timeout,
                 Result<Conversation>(Status::Unavailable("timed out opening a conversation")));
  if (!c.ok()) {
    PrintError("mqchat: cannot open a conversation with " + user + ": " + Describe(c.status()));
    *exit_code = ExitCodeFor(c.status());
    return 0;
  }
  return c->id;
}

std::string FormatMessage(const Message& m, bool json) {
  if (json) return protocol::DumpJson(protocol::EncodeMessage(sdk::ToWire(m)));
  return std::to_string(m.conversation_id) + "\t" + std::to_string(m.seq) + "\t" +
         std::to_string(m.sent_at_ms) + "\t" + m.sender + "\t" +
         EscapeField(m.call ? ShownCall(m) : m.text);  // a call entry: "missed call from bob"
}

std::string FormatSummary(const ConversationSummary& s, bool json) {
  if (json) return protocol::DumpJson(protocol::EncodeSummary(sdk::ToWire(s)));
  std::string members;
  for (const auto& m : s.members) members += (members.empty() ? "" : ",") + m;
  return std::to_string(s.id) + "\t" + std::string(sdk::KindName(s.kind)) + "\t" + EscapeField(s.name) + "\t" +
         std::to_string(s.unread) + "\t" + members;
}

std::string FormatAck(const Ack& a, bool json) {
  if (json) return protocol::DumpJson(protocol::EncodeAck(sdk::ToWire(a)));
  return std::to_string(a.conversation_id) + "\t" + std::to_string(a.seq) + "\t" +
         std::to_string(a.message_id);
}

void PrintLine(const std::string& line) {
  if (Console* console = Console::Active()) return console->Print(line, /*error=*/false);
  std::lock_guard<std::mutex> lock(OutputMutex());
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void PrintError(const std::string& line) {
  if (Console* console = Console::Active()) return console->Print(line, /*error=*/true);
  std::lock_guard<std::mutex> lock(OutputMutex());
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace mqchat::cli
