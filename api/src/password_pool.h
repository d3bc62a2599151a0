// PasswordPool: the bounded place where PBKDF2 runs. `workers` threads hash and verify; at most
// `max_waiting` jobs wait for them, service-wide. A request beyond that budget is refused at
// once with kResourceExhausted (the service answers 503 OVERLOADED + Retry-After) instead of
// queueing without bound, so a login flood costs a fixed amount of CPU and memory.
// Waiting jobs take turns by network (the client's /24 or /56, as the caller names it): a free
// worker takes the oldest job of the next network in turn, so a network with many jobs waiting
// (a login flood) delays another's next job by at most one job per network ahead of it, not by
// its whole share of the queue. Jobs without a network take turns as one network.
// Hash/Verify block the calling (HTTP) thread until its job ran. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "mqchat/status.h"

namespace mqchat::api {

class PasswordPool {
 public:
  PasswordPool(int workers, int max_waiting, int iterations);
  ~PasswordPool();
  PasswordPool(const PasswordPool&) = delete;
  PasswordPool& operator=(const PasswordPool&) = delete;

  // A new PBKDF2 hash of `password` in the format the plugin verifies (auth/password_hash.h).
  // `network`: whose turn it takes (above).
  Result<std::string> Hash(std::string_view password, const std::string& network = "");
  // Whether `password` matches `encoded`. With an empty `encoded` (no such user), verifies
  // against a dummy hash made at construction, so an unknown name costs the same work, and
  // returns false.
  Result<bool> Verify(std::string_view password, std::string_view encoded,
                      const std::string& network = "");

  // Jobs accepted and not yet finished (for tests and metrics).
  int InFlight();

 private:
  // Runs `job` on a worker and waits for it; kResourceExhausted if over the budget.
  Status Run(std::function<void()> job, const std::string& network);
  void WorkerLoop();

  const int workers_;
  const int max_waiting_;
  const int iterations_;
  std::string dummy_hash_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::deque<std::function<void()>>> waiting_;  // by network, oldest first
  std::deque<std::string> turns_;  // the networks with jobs waiting, the next to go first
  int waiting_count_ = 0;
  int running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace mqchat::api
