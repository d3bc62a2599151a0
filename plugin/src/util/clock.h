// Clock: wall-clock and monotonic time, injected so tests can control it. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

namespace mqchat {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch (wall clock; may step back).
  virtual int64_t NowMs() const = 0;
  // Milliseconds on a monotonic clock (never steps back), for timeouts and rates.
  virtual int64_t MonotonicMs() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t NowMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t MonotonicMs() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace mqchat
