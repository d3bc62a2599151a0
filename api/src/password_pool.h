// PasswordPool: the bounded place where PBKDF2 runs (auth/password_hash.h). `workers` threads
// hash and verify; at most `max_waiting` jobs wait for them, service-wide. Beyond that budget a
// request is refused at once (503 OVERLOADED + Retry-After) instead of queueing without bound,
// so a login flood costs a fixed amount of CPU and memory.
// Each network (the client's /24 or /56, as the caller names it) has a budget of its own
// (network_hash_budget.h: hashes per second and at once); past it its requests are refused at
// once too (429 RATE_LIMITED / 503 OVERLOADED), before they wait, so a flood from a few
// networks cannot take the workers from everyone else.
// Waiting jobs take turns by network: a free worker takes the oldest job of the network that has
// the fewest hashes running, the longest-waiting such network first. A network with nothing
// running (a real user beside a flood) thus gets the next free worker, whatever other networks
// have waiting. Jobs without a network (the operator's) take turns as one network.
// The workers may run at a lower CPU priority (`worker_nice`, Linux: a nice value per thread),
// so the HTTP threads and the broker on the same machine stay responsive while they hash.
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
#include <unordered_map>
#include <vector>

#include "auth/password_hash.h"
#include "http_types.h"
#include "mqchat/status.h"
#include "network_hash_budget.h"

namespace mqchat::api {

struct PasswordPoolOptions {
  int workers = 2;
  int max_waiting = 16;
  int iterations = auth::kDefaultPbkdf2Iterations;  // for Hash
  NetworkHashLimits per_network;
  int worker_nice = 0;  // 0: the process's priority; 1..19: lower (`hash_worker_nice`)
  std::function<int64_t()> now_ms;  // monotonic milliseconds (null: steady_clock)
};

// Why the pool did not run a job, and when to come back.
struct PoolRefusal {
  enum class Kind { kBusy, kNetworkBusy, kNetworkRate };
  Kind kind = Kind::kBusy;
  int retry_after_s = 1;
};
// The HTTP answer to a refusal: 503 OVERLOADED (kBusy, kNetworkBusy) or 429 RATE_LIMITED
// (kNetworkRate), with Retry-After and a JSON body.
ApiResponse PoolRefusalResponse(const PoolRefusal& refusal);

class PasswordPool {
 public:
  explicit PasswordPool(PasswordPoolOptions options);
  PasswordPool(int workers, int max_waiting, int iterations);  // no per-network budget
  ~PasswordPool();
  PasswordPool(const PasswordPool&) = delete;
  PasswordPool& operator=(const PasswordPool&) = delete;

  // A new PBKDF2 hash of `password` in the format the plugin verifies (auth/password_hash.h).
  // `network`: whose budget and turn it takes (above). Refused: kResourceExhausted, and
  // *refused (if given) says why.
  Result<std::string> Hash(std::string_view password, const std::string& network = "",
                           PoolRefusal* refused = nullptr);
  // Whether `password` matches `encoded`. With an empty `encoded` (no such user), verifies
  // against a dummy hash made at construction, so an unknown name costs the same work, and
  // returns false. Refusals as Hash.
  Result<bool> Verify(std::string_view password, std::string_view encoded,
                      const std::string& network = "", PoolRefusal* refused = nullptr);

  // Jobs accepted and not yet finished (for tests and metrics).
  int InFlight();

 private:
  // Runs `job` on a worker and waits for it; kResourceExhausted (and *refused) if over a budget.
  Status Run(std::function<void()> job, const std::string& network, PoolRefusal* refused);
  // The network whose oldest job goes next (fewest running, then longest waiting); removes it
  // from turns_. Requires mu_ held and a job waiting.
  std::string NextNetwork();
  void WorkerLoop();

  const PasswordPoolOptions options_;
  std::string dummy_hash_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::deque<std::function<void()>>> waiting_;  // by network, oldest first
  std::deque<std::string> turns_;  // the networks with jobs waiting, longest waiting first
  std::unordered_map<std::string, int> running_by_network_;  // only networks with jobs running
  NetworkHashBudget budget_;
  int waiting_count_ = 0;
  int running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace mqchat::api
