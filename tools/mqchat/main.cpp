// mqchat: the terminal client. See `mqchat --help` (cli_common.cpp) for usage and exit codes.
#include <cstdio>

#include "cli.h"

int main(int argc, char** argv) {
  using namespace mqchat::cli;
  Settings settings;
  bool help = false;
  std::string error;
  if (!ParseSettings(argc, argv, &settings, &help, &error)) {
    if (help) {
      std::fputs(HelpText().c_str(), stdout);
      return kExitOk;
    }
    PrintError("mqchat: " + error + " (see mqchat --help)");
    return kExitUsage;
  }
  const std::string& cmd = settings.command;
  if (cmd.empty() || cmd == "chat") return RunInteractive(settings);
  if (cmd == "send") return RunSend(settings);
  if (cmd == "history") return RunHistory(settings);
  if (cmd == "tail") return RunTail(settings);
  if (cmd == "groups") return RunGroups(settings);
  PrintError("mqchat: unknown command '" + cmd + "' (see mqchat --help)");
  return kExitUsage;
}
