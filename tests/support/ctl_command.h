// RunCtl: runs mqchatctl against a test server's store, as an operator would beside the broker.
// Test thread only.
#pragma once

#include <string>
#include <vector>

#include "support/chat_server.h"
#include "support/subprocess.h"

namespace mqchat::test {

// Runs mqchatctl with `server`'s store options, then `words`, `stdin_text` on its input; waits
// for it to exit.
RunResult RunCtl(const ChatServer& server, const std::vector<std::string>& words,
                 const std::string& stdin_text = "");

}  // namespace mqchat::test
