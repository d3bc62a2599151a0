// mqchat CLI: the command line (CLI11) and MQCHAT_* environment into `Settings`, and --help.
#include <unistd.h>

#include <optional>

#include "api_login.h"
#include "cli.h"
#include "cli_parse.h"
#include "secret_input.h"

namespace mqchat::cli {
namespace {

constexpr const char* kProgram = "mqchat";

// The subcommands, each filling `s` when given.
void DeclareCommands(CLI::App& app, Settings* s) {
  CLI::App* send = app.add_subcommand("send");
  send->add_option("CONV", s->conversation)->required();
  send->add_option("TEXT", s->words);
  CLI::App* history = app.add_subcommand("history");
  history->add_option("CONV", s->conversation)->required();
  history->add_option("-n", s->limit)->check(CLI::Range(1, 100));
  history->add_option("--before", s->before)->check(CLI::PositiveNumber);
  CLI::App* tail = app.add_subcommand("tail");
  tail->add_option("CONV", s->conversation)->required();
  tail->add_option("-n", s->limit)->check(CLI::Range(0, 100));
  tail->add_option("--count", s->count)->check(CLI::NonNegativeNumber);
  tail->add_option("--for", s->for_s)->check(CLI::NonNegativeNumber);
  CLI::App* groups = app.add_subcommand("groups");
  groups->require_subcommand(0, 1);
  groups->add_flag("--all", s->all);
  CLI::App* create = groups->add_subcommand("create");
  create->add_option("NAME", s->conversation)->required();
  create->add_option("USER", s->words);
  CLI::App* add = groups->add_subcommand("add");
  add->add_option("CONV", s->conversation)->required();
  add->add_option("USER", s->words)->required();
  app.add_subcommand("chat");
  CLI::App* signup = app.add_subcommand("signup");
  signup->add_option("--invite", s->invite);
  CLI::App* login = app.add_subcommand("login");
  CLI::App* logout = app.add_subcommand("logout");
  // One command at most: a later word that names a command ("send @bob tail this") is text.
  app.require_subcommand(0, 1);
  for (CLI::App* sub :
       {send, history, tail, groups, create, add, app.get_subcommand("chat"), signup, login, logout}) {
    sub->fallthrough();  // the connection options may follow the command too
    sub->callback([s, sub] {
      if (!s->command.empty()) return;  // a nested command's callback ran first
      const CLI::App* parent = sub->get_parent();
      s->command = parent->get_parent() != nullptr ? parent->get_name() + " " + sub->get_name()
                                                   : sub->get_name();
    });
  }
}

}  // namespace

std::optional<int> ParseSettings(int argc, char** argv, Settings* s) {
  CLI::App app("mqchat: the mqchat terminal client", kProgram);
  tools::AddHelpAndVersion(app, kProgram);
  std::string token;
  app.add_option("-H,--host", s->host)->envname("MQCHAT_HOST");
  app.add_option("-p,--port", s->port)->envname("MQCHAT_PORT")->check(CLI::Range(1, 65535));
  app.add_flag("--ws", s->websocket);
  app.add_flag("--tls", s->tls)->envname("MQCHAT_TLS");
  app.add_option("--cafile", s->ca_file)->envname("MQCHAT_CAFILE");
  app.add_option("-u,--user", s->user)->envname("MQCHAT_USER");
  app.add_option("--password", s->password)->envname("MQCHAT_PASSWORD");
  app.add_option("--token", token)->envname("MQCHAT_TOKEN");
  app.add_option("--api", s->api)->envname("MQCHAT_API");
  app.add_option("-d,--device", s->device)->envname("MQCHAT_DEVICE");
  app.add_option("--cache", s->cache)->envname("MQCHAT_CACHE");
  int64_t timeout_s = s->timeout.count();
  app.add_option("--timeout", timeout_s)->check(CLI::Range(1, 86400));
  app.add_flag("--json", s->json);
  DeclareCommands(app, s);
  if (auto exit = tools::ParseOrExit(app, argc, argv, kProgram, HelpText())) return exit;
  if (s->command == "chat") s->command.clear();
  s->timeout = std::chrono::seconds(timeout_s);
  if (!token.empty()) s->password = token;
  if (s->user.empty()) {
    return tools::UsageError(kProgram, "no user: pass --user or set MQCHAT_USER");
  }
  const bool api_command = s->command == "signup" || s->command == "login";
  s->api_ca_file = s->ca_file;
  if (s->api.empty() && s->command != "signup") {
    std::string stored_ca_file;
    s->api = StoredApiUrl(s->user, &stored_ca_file);
    if (s->api_ca_file.empty()) s->api_ca_file = stored_ca_file;
  }
  if (s->command == "logout") return std::nullopt;
  if (api_command && s->api.empty()) {
    return tools::UsageError(kProgram, "no API service: pass --api URL or set MQCHAT_API");
  }
  // No password or token given: a stored login (mqchat login) gives tokens.
  if (!api_command && s->password.empty()) {
    const std::string stored = SessionPath(s->user);
    if (!stored.empty() && ::access(stored.c_str(), R_OK) == 0) {
      s->session_path = stored;
      return std::nullopt;
    }
  }
  if (s->password.empty() && tools::StdinIsTerminal()) {
    // Asked, not echoed; never needed on the command line, where others could read it.
    const std::string prompt = "Password for " + s->user + ": ";
    if (!tools::ReadSecretLine(prompt.c_str(), &s->password)) s->password.clear();
  }
  if (s->password.empty()) {
    return tools::UsageError(
        kProgram, "no credentials: pass --password/--token, set MQCHAT_PASSWORD/MQCHAT_TOKEN, "
                  "or run on a terminal to be asked");
  }
  return std::nullopt;
}

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
  mqchat [options] groups [--all]           list group conversations (--all: direct ones too)
  mqchat [options] groups create NAME [USER...]   create a group; prints its id
  mqchat [options] groups add CONV USER...        add members to a group
  mqchat --api URL -u USER signup [--invite CODE]  create an account at the API service, then
                                            log in as with login
  mqchat --api URL -u USER login            log in at the API service (asks for the password)
                                            and keep the login (a refresh token, never the
                                            password) for later runs, mode 0600, in
                                            $MQCHAT_CONFIG_DIR, else $XDG_CONFIG_HOME/mqchat,
                                            else ~/.config/mqchat
  mqchat -u USER logout                     end the kept login and delete it

CONV is a conversation id, @USER for the direct conversation with USER, or a group's name
(quote a name with spaces: "Team chat").

Options (environment variable in brackets):
  -H, --host HOST        server host [MQCHAT_HOST] (default 127.0.0.1)
  -p, --port PORT        server port [MQCHAT_PORT] (default 1883)
      --ws               connect over WebSocket (ws://HOST:PORT/)
      --tls              connect over TLS (ssl://, or wss:// with --ws) [MQCHAT_TLS]; the
                         server's certificate must verify and name HOST
      --cafile FILE      trust the CAs in this PEM file for --tls and for an https --api
                         [MQCHAT_CAFILE] (default: the system's trust store); `login` keeps
                         it with the login, for the refreshes of later runs
  -u, --user USER        username [MQCHAT_USER]
      --password PW      password [MQCHAT_PASSWORD]; without one (and no token), mqchat asks
                         for it on the terminal without echoing it
      --token JWT        login token instead of a password [MQCHAT_TOKEN]
      --api URL          the API service, e.g. http://127.0.0.1:8080 [MQCHAT_API]: the
                         password goes there for a token, never to the broker (which refuses
                         passwords unless its operator allows them). Without a password or
                         token, a login kept by `mqchat login` is used
  -d, --device ID        device id [MQCHAT_DEVICE] (default "cli"); use a different one per
                         running instance
      --cache PATH       offline cache file [MQCHAT_CACHE] (default: in memory, so unsent
                         messages do not survive the process and every run syncs from scratch)
      --timeout SECONDS  how long to wait for the server (default 10)
      --json             one JSON object per line instead of tab-separated fields
  -h, --help             this text
      --version          print the version
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
  2  usage error (an unknown command or option: one line saying which)
  3  the server could not be reached
  4  the server refused the credentials
  5  timed out (no acknowledgement, or tail saw fewer than K messages)
)";
}

}  // namespace mqchat::cli
