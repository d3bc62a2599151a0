// ChattingPairs: the established sessions whose latency the hostile-client tests (issue 29)
// bound: `pairs` token-authenticated users a<i> each chatting with b<i> in a direct conversation
// at 10 messages/s, every send timed from publish to ack.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "support/chat_client.h"

namespace mqchat::test {

class ChattingPairs {
 public:
  // Connects a<i> and b<i> (i < `pairs`) to the broker on `port`, each with `token(user)` as its
  // password, and opens their conversations. False (with the reason in error()) on a failure.
  bool Connect(int port, int pairs, const std::function<std::string(const std::string&)>& token);
  // Every pair sends every 100 ms (the pace of a chat) until `end`; returns each send -> ack in
  // ms. A send that fails is counted in failures() and its time kept.
  std::vector<double> Chat(std::chrono::steady_clock::time_point end);
  int failures() const { return failures_; }
  const std::string& error() const { return error_; }

 private:
  std::vector<std::unique_ptr<ChatTestClient>> senders_, receivers_;
  std::vector<int64_t> conversations_;
  int failures_ = 0;
  int round_ = 0;  // client_msg_ids stay unique across calls
  std::string error_;
};

}  // namespace mqchat::test
