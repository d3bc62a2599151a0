// mqchat: the terminal client. See `mqchat --help` (settings.cpp) for usage and exit codes.
#include "api_login.h"
#include "cli.h"

int main(int argc, char** argv) {
  using namespace mqchat::cli;
  Settings settings;
  if (auto exit = ParseSettings(argc, argv, &settings)) return *exit;
  const std::string& cmd = settings.command;
  if (cmd.empty()) return RunInteractive(settings);
  if (cmd == "signup" || cmd == "login") return RunApiLogin(settings, cmd == "signup");
  if (cmd == "logout") return RunApiLogout(settings);
  if (cmd == "send") return RunSend(settings);
  if (cmd == "history") return RunHistory(settings);
  if (cmd == "tail") return RunTail(settings);
  return RunGroups(settings);
}
