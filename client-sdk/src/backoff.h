// Backoff: exponential reconnect/retry delays with "equal jitter" (half fixed, half random), so
// many devices that lost the same broker do not come back in lockstep. Not thread-safe (one
// owner, the engine thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace mqchat::sdk {

class Backoff {
 public:
  // Returns a uniformly distributed value in [0, 1).
  using Random = std::function<double()>;

  // Delays grow from `min` by `multiplier` per attempt up to `max`. `random` defaults to a
  // std::mt19937 seeded from std::random_device.
  Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, double multiplier = 2.0,
          Random random = nullptr);

  // The delay before the next attempt, in [d/2, d] where d = min(max, min * multiplier^n) and n
  // counts the calls since the last Reset().
  std::chrono::milliseconds Next();
  // After a success: the next delay starts from `min` again.
  void Reset() { attempt_ = 0; }
  int attempt() const { return attempt_; }

 private:
  std::chrono::milliseconds min_;
  std::chrono::milliseconds max_;
  double multiplier_;
  Random random_;
  int attempt_ = 0;
};

}  // namespace mqchat::sdk
