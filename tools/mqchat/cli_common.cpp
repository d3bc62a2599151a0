// mqchat CLI: settings, connecting, conversation resolution, output formatting.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <string_view>
#include <nlohmann/json.hpp>

#include "cli.h"
#include "convert.h"
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

bool ParsePositive(const std::string& text, long max, long* out) {
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || v <= 0 || v > max) return false;
  *out = v;
  return true;
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

}  // namespace

std::string HelpText() {
  return R"(mqchat: the mqchat terminal client.

Usage:
  mqchat [options]                          interactive chat (type /help inside)
  mqchat [options] send CONV [TEXT...]      send TEXT (or each line of stdin) to CONV
  mqchat [options] history CONV [-n N] [--before SEQ]
                                            print up to N (default 20) messages, oldest first
  mqchat [options] tail CONV [-n N] [--count K] [--for SECONDS]
                                            print the last N (default 0) messages, then new ones
                                            as they arrive; stop after K new ones or SECONDS
  mqchat [options] groups                   list group conversations (--all: direct ones too)
  mqchat [options] groups create NAME [USER...]   create a group; prints its id
  mqchat [options] groups add CONV USER...        add members to a group

CONV is a conversation id, or @USER for the direct conversation with USER.

Options (environment variable in brackets):
  -H, --host HOST        server host [MQCHAT_HOST] (default 127.0.0.1)
  -p, --port PORT        server port [MQCHAT_PORT] (default 1883)
      --ws               connect over WebSocket (ws://HOST:PORT/)
  -u, --user USER        username [MQCHAT_USER]
      --password PW      password [MQCHAT_PASSWORD]
      --token JWT        login token instead of a password [MQCHAT_TOKEN]
  -d, --device ID        device id [MQCHAT_DEVICE] (default "cli"); use a different one per
                         running instance
      --cache PATH       offline cache file [MQCHAT_CACHE] (default: in memory, so unsent
                         messages do not survive the process and every run syncs from scratch)
      --timeout SECONDS  how long to wait for the server (default 10)
      --json             one JSON object per line instead of tab-separated fields
  -h, --help             this text
Set MQCHAT_DEBUG=1 to print the SDK's connection diagnostics on stderr.

Output (tab-separated; tabs, newlines and backslashes in text are escaped as \t \n \\):
  messages:       CONVERSATION  SEQ  SENT_AT_MS  SENDER  TEXT
  send:           CONVERSATION  SEQ  MESSAGE_ID
  groups:         CONVERSATION  KIND  NAME  UNREAD  MEMBERS(comma-separated)
  groups create:  CONVERSATION
With --json, the same records as the protocol's JSON objects (docs/PROTOCOL.md).

Exit codes:
  0  success
  1  the server refused the request (the reason is printed on stderr)
  2  usage error
  3  the server could not be reached
  4  the server refused the credentials
  5  timed out (no acknowledgement, or tail saw fewer than K messages)
)";
}

// Long (about 80 lines): environment defaults, then one branch per flag; it goes when both
// CLIs move to an argument-parser library (issue 21).
bool ParseSettings(int argc, char** argv, Settings* s, bool* help, std::string* error) {
  *help = false;
  s->host = Env("MQCHAT_HOST", s->host);
  std::string port = Env("MQCHAT_PORT", std::to_string(s->port));
  s->user = Env("MQCHAT_USER");
  s->password = Env("MQCHAT_PASSWORD");
  const std::string token = Env("MQCHAT_TOKEN");
  if (!token.empty()) s->password = token;
  s->device = Env("MQCHAT_DEVICE", s->device);
  s->cache = Env("MQCHAT_CACHE");
  std::string timeout = std::to_string(s->timeout.count());

  int i = 1;
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](std::string* out) {
      if (i + 1 >= argc) {
        *error = a + " needs a value";
        return false;
      }
      *out = argv[++i];
      return true;
    };
    if (a == "-h" || a == "--help") {
      *help = true;
      return false;
    } else if (a == "-H" || a == "--host") {
      if (!value(&s->host)) return false;
    } else if (a == "-p" || a == "--port") {
      if (!value(&port)) return false;
    } else if (a == "--ws") {
      s->websocket = true;
    } else if (a == "-u" || a == "--user") {
      if (!value(&s->user)) return false;
    } else if (a == "--password" || a == "--token") {
      if (!value(&s->password)) return false;
    } else if (a == "-d" || a == "--device") {
      if (!value(&s->device)) return false;
    } else if (a == "--cache") {
      if (!value(&s->cache)) return false;
    } else if (a == "--timeout") {
      if (!value(&timeout)) return false;
    } else if (a == "--json") {
      s->json = true;
    } else if (!a.empty() && a[0] == '-') {
      *error = "unknown option " + a;
      return false;
    } else {
      break;
    }
  }
  if (i < argc) s->command = argv[i++];
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json") {
      s->json = true;  // also accepted after the command
    } else {
      s->args.push_back(a);
    }
  }
  long n = 0;
  if (!ParsePositive(port, 65535, &n)) {
    *error = "bad port '" + port + "'";
    return false;
  }
  s->port = static_cast<int>(n);
  if (!ParsePositive(timeout, 86400, &n)) {
    *error = "bad timeout '" + timeout + "'";
    return false;
  }
  s->timeout = std::chrono::seconds(n);
  if (s->user.empty()) {
    *error = "no user: pass --user or set MQCHAT_USER";
    return false;
  }
  if (s->password.empty()) {
    *error = "no credentials: pass --password/--token or set MQCHAT_PASSWORD/MQCHAT_TOKEN";
    return false;
  }
  return true;
}

std::unique_ptr<Client> MakeClient(const Settings& s, size_t event_queue_capacity) {
  const std::string uri =
      std::string(s.websocket ? "ws://" : "tcp://") + s.host + ":" + std::to_string(s.port);
  auto options = ClientOptions::Builder()
                     .Server(uri)
                     .Credentials(s.user, s.password)
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
    PrintError("mqchat: " + client.status().ToString());
    return nullptr;
  }
  return std::move(*client);
}

int ConnectOrExit(Client& client, const Settings& s) {
  Status st = client.Connect();
  if (st.ok()) return kExitOk;
  PrintError("mqchat: cannot connect to " + s.host + ":" + std::to_string(s.port) + ": " +
             st.ToString());
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

int64_t ResolveConversation(Client& client, const Settings& s, const std::string& spec,
                            bool bare_user_ok, int* exit_code) {
  if (!spec.empty() && spec[0] != '@') {
    if (auto id = protocol::ParseId(spec)) return *id;
    if (!bare_user_ok) {
      PrintError("mqchat: '" + spec + "' is neither a conversation id nor @user");
      *exit_code = kExitUsage;
      return 0;
    }
  }
  const std::string user = !spec.empty() && spec[0] == '@' ? spec.substr(1) : spec;
  auto future = client.OpenDirect(user);
  auto c = Await(future, s.timeout,
                 Result<Conversation>(Status::Unavailable("timed out opening a conversation")));
  if (!c.ok()) {
    PrintError("mqchat: " + c.status().ToString());
    *exit_code = ExitCodeFor(c.status());
    return 0;
  }
  return c->id;
}

std::string FormatMessage(const Message& m, bool json) {
  if (json) return protocol::DumpJson(protocol::EncodeMessage(sdk::ToWire(m)));
  return std::to_string(m.conversation_id) + "\t" + std::to_string(m.seq) + "\t" +
         std::to_string(m.sent_at_ms) + "\t" + m.sender + "\t" + EscapeField(m.text);
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
  std::lock_guard<std::mutex> lock(OutputMutex());
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void PrintError(const std::string& line) {
  std::lock_guard<std::mutex> lock(OutputMutex());
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace mqchat::cli
