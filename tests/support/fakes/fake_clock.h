// FakeClock: a Clock that moves only when a test advances it.
#pragma once

#include <atomic>

#include "util/clock.h"

namespace mqchat::test {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t now_ms = 1'700'000'000'000) : now_ms_(now_ms), mono_ms_(1000) {}
  int64_t NowMs() const override { return now_ms_.load(); }
  int64_t MonotonicMs() const override { return mono_ms_.load(); }
  void AdvanceMs(int64_t ms) {
    now_ms_ += ms;
    mono_ms_ += ms;
  }
  void SetWallMs(int64_t ms) { now_ms_ = ms; }  // wall clock may step back; monotonic does not

 private:
  std::atomic<int64_t> now_ms_;
  std::atomic<int64_t> mono_ms_;
};

}  // namespace mqchat::test
