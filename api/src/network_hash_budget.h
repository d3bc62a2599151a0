// NetworkHashBudget: what one network (a client's /24 or /56, auth/network_prefix.h, as the
// caller names it) may spend of the password pool (password_pool.h), so that a login flood from a
// few networks cannot keep everyone else's logins waiting for a hash worker (issue 29):
// - at most `rate_per_s` hashes a second, with bursts of `burst` (a token bucket,
//   util/rate_limiter.h; a refused request takes no token, so the network gets its rate back as
//   soon as it slows down), and
// - at most `concurrent` hashes at once, running or waiting for a worker.
// Past either the pool refuses at once, before the job waits: 429 RATE_LIMITED with the
// seconds until the next token, or 503 OVERLOADED. An empty network (the operator's own calls,
// e.g. the admin API) is not limited. Limits of 0 switch that bound off (behind a proxy every
// client shares its address: docs/OPERATIONS.md). Not thread-safe: the pool holds it under its
// lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "util/rate_limiter.h"

namespace mqchat::api {

struct NetworkHashLimits {
  int rate_per_s = 2;   // `hash_rate_per_prefix`, 0..100000 (0: no rate limit)
  int burst = 20;       // `hash_burst_per_prefix`, 1..100000
  int concurrent = 4;   // `hash_concurrent_per_prefix`, 0..10000 (0: no limit)
};

class NetworkHashBudget {
 public:
  explicit NetworkHashBudget(NetworkHashLimits limits);

  struct Refusal {
    bool over_rate;          // true: the hashes per second; false: the hashes at once
    int64_t retry_after_ms;  // > 0
  };
  // Takes one hash for `network` at `now_ms` (monotonic): a token and a concurrent slot.
  // nullopt if admitted (then pair it with one Release), else why not; a refusal takes nothing.
  std::optional<Refusal> Take(const std::string& network, int64_t now_ms);
  // One admitted hash of `network` finished.
  void Release(const std::string& network);

  // Hashes of `network` admitted and not yet released (for tests).
  int InFlight(const std::string& network) const;

 private:
  const NetworkHashLimits limits_;
  std::optional<RateLimiter> rates_;  // none when rate_per_s is 0
  std::unordered_map<std::string, int> in_flight_;  // only networks with hashes in flight
};

}  // namespace mqchat::api
