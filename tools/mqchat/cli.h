// The mqchat terminal client: its settings (flags and MQCHAT_* environment), exit codes, output
// formatting, and the two modes (interactive REPL, scripting subcommands). Main thread, except
// where a function says it is called from SDK callbacks.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/client.h"

namespace mqchat::cli {

// Documented in --help; scripts rely on them.
enum ExitCode {
  kExitOk = 0,
  kExitRefused = 1,      // the server refused the request (or it failed for good)
  kExitUsage = 2,        // bad flags or arguments
  kExitUnreachable = 3,  // could not connect to the server
  kExitAuth = 4,         // the server refused the credentials
  kExitTimeout = 5,      // no answer / not enough messages in time
};

struct Settings {
  std::string host = "127.0.0.1";
  int port = 1883;
  bool websocket = false;
  bool tls = false;     // ssl:// (wss:// with websocket), verified against ca_file or the system
  std::string ca_file;  // trusted CAs (PEM) for TLS; empty: the system's trust store
  std::string user;
  std::string password;  // a password or a token
  // The API service (mqchat-api) base URL: with it a password goes there for a token, never to
  // the broker. `login`/`signup` need it (or a stored login's); api_login.h.
  std::string api;
  // The CAs (PEM) an https `api` is verified against: --cafile, else the one kept with the
  // stored login; empty: the system's trust store.
  std::string api_ca_file;
  std::string invite;        // signup --invite CODE
  std::string session_path;  // non-empty: tokens come from this stored login (api_login.h)
  std::string device = "cli";
  std::string cache;     // empty: in memory
  std::chrono::seconds timeout{10};
  bool json = false;
  // "" = interactive; else "send", "history", "tail", "groups", "groups create", "groups add",
  // "signup", "login", "logout".
  std::string command;
  std::string conversation;        // CONV (NAME for groups create)
  std::vector<std::string> words;  // send: the text's words; groups create/add: the users
  int limit = -1;                  // -n; -1: the command's default
  int64_t before = 0;              // history --before
  int64_t count = 0;               // tail --count
  int64_t for_s = 0;               // tail --for
  bool all = false;                // groups --all
};

// Parses argv and the environment (settings.cpp), asking for the password on a terminal when
// none is given. nullopt: go on; otherwise the exit code (help and version printed: 0; a usage
// error printed as one line: kExitUsage).
std::optional<int> ParseSettings(int argc, char** argv, Settings* settings);
std::string HelpText();

// Builds the client (not connected) from `settings`; prints the error and returns null if it
// cannot.
std::unique_ptr<Client> MakeClient(const Settings& settings, size_t event_queue_capacity);
// A failed request's status in words, once: without the protocol code the server's message
// leads with (so never "NOT_FOUND: NOT_FOUND: ..."); the code in words if there is no message.
std::string Describe(const Status& status);
// A failed Connect in words (unreachable, credentials refused, ...), naming host and user.
std::string ConnectFailureInWords(const Status& status, const Settings& settings);
// A message time for people: "HH:MM" (local time) on the day of `now_ms`, else
// "YYYY-MM-DD HH:MM".
std::string FormatClock(int64_t unix_ms, int64_t now_ms);

// Connects; on failure prints why and returns the exit code (kExitOk on success).
int ConnectOrExit(Client& client, const Settings& settings);
// The exit code for a failed request's status.
int ExitCodeFor(const Status& status);

// Resolves "<id>", "@user", a group's name (exact, else ignoring case; or, if `bare_user_ok`
// and no group has that name, "user") to a conversation id; 0, a printed error and
// `*exit_code` if it cannot.
int64_t ResolveConversation(Client& client, const Settings& settings, const std::string& spec,
                            bool bare_user_ok, int* exit_code);

// One message per line: "conversation<TAB>seq<TAB>sent_at_ms<TAB>sender<TAB>text" (tabs,
// newlines and backslashes in text escaped as \t \n \\), or the protocol's JSON message object.
std::string FormatMessage(const Message& m, bool json);
std::string FormatSummary(const ConversationSummary& s, bool json);
std::string FormatAck(const Ack& a, bool json);

// Writes one line to stdout (or stderr) and flushes; while the interactive line editor runs
// (console.h), above the line being typed instead. Thread-safe (SDK callbacks print too).
void PrintLine(const std::string& line);
void PrintError(const std::string& line);

// Waits for a future up to `timeout`; kUnavailable "timed out" if it does not complete.
template <typename T>
T Await(std::future<T>& f, std::chrono::seconds timeout, T on_timeout) {
  if (f.wait_for(timeout) != std::future_status::ready) return on_timeout;
  return f.get();
}

int RunInteractive(const Settings& settings);
int RunSend(const Settings& settings);
int RunHistory(const Settings& settings);
int RunTail(const Settings& settings);
int RunGroups(const Settings& settings);

}  // namespace mqchat::cli
