#include "support/ctl_command.h"

#include "support/test_paths.h"

namespace mqchat::test {

RunResult RunCtl(const ChatServer& server, const std::vector<std::string>& words,
                 const std::string& stdin_text) {
  std::vector<std::string> argv = {MQCHATCTL_PATH};
  const std::vector<std::string> store = server.CtlStoreArgs();
  argv.insert(argv.end(), store.begin(), store.end());
  argv.insert(argv.end(), words.begin(), words.end());
  return RunCommand(argv, stdin_text);
}

}  // namespace mqchat::test
