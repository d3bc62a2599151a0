#include "support/chatting_pairs.h"

#include <atomic>
#include <thread>

namespace mqchat::test {

bool ChattingPairs::Connect(int port, int pairs,
                            const std::function<std::string(const std::string&)>& token) {
  for (int i = 0; i < pairs; ++i) {
    const std::string a = "a" + std::to_string(i), b = "b" + std::to_string(i);
    auto receiver = std::make_unique<ChatTestClient>();
    auto sender = std::make_unique<ChatTestClient>();
    if (int rc = receiver->Connect(port, b, token(b)); rc != 0) {
      error_ = b + " connect: " + std::to_string(rc);
      return false;
    }
    if (int rc = sender->Connect(port, a, token(a)); rc != 0) {
      error_ = a + " connect: " + std::to_string(rc);
      return false;
    }
    const int64_t conversation = sender->OpenDirect(b);
    if (conversation <= 0) {
      error_ = a + " could not open a conversation with " + b;
      return false;
    }
    conversations_.push_back(conversation);
    senders_.push_back(std::move(sender));
    receivers_.push_back(std::move(receiver));
  }
  return true;
}

std::vector<double> ChattingPairs::Chat(std::chrono::steady_clock::time_point end) {
  using Clock = std::chrono::steady_clock;
  std::vector<std::vector<double>> sends(senders_.size());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (size_t p = 0; p < senders_.size(); ++p) {
    threads.emplace_back([&, p] {
      auto next = Clock::now();
      for (int n = 0; Clock::now() < end; ++n) {
        const auto sent = Clock::now();
        auto r = senders_[p]->Send(conversations_[p], "hello",
                                   "m" + std::to_string(round_) + "-" + std::to_string(n));
        if (!r.ok()) ++failures;
        sends[p].push_back(std::chrono::duration<double, std::milli>(Clock::now() - sent).count());
        next += std::chrono::milliseconds(100);  // the pace of a chat, not a wait for an event
        std::this_thread::sleep_until(next);
      }
    });
  }
  for (auto& t : threads) t.join();
  ++round_;
  failures_ += failures.load();
  std::vector<double> all;
  for (auto& s : sends) all.insert(all.end(), s.begin(), s.end());
  return all;
}

}  // namespace mqchat::test
