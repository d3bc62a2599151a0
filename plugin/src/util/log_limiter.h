// LogLimiter: at most N lines a second for a log that an attacker can make grow (one line per
// refused CONNECT: a connection flood would otherwise turn into a log flood on the broker
// thread). Lines over the rate are counted, and the next line that passes reports how many
// were dropped. Single-threaded (broker thread).
#pragma once

#include <cstdint>

#include "util/fixed_window_counter.h"

namespace mqchat {

class LogLimiter {
 public:
  explicit LogLimiter(int lines_per_s);

  // Whether a line may be logged at `now_ms`. When it may, `*dropped` is set to the number of
  // lines dropped since the last one that passed (then reset to 0).
  bool Allow(int64_t now_ms, uint64_t* dropped);

 private:
  const int lines_per_s_;
  FixedWindowCounter window_;
  uint64_t dropped_ = 0;
};

}  // namespace mqchat
