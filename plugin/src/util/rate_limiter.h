// RateLimiter: at most `limit` events per key per fixed window (FixedWindowCounter).
// Single-threaded (broker thread).
#pragma once

#include <cstdint>
#include <string>

#include "util/fixed_window_counter.h"

namespace mqchat {

class RateLimiter {
 public:
  RateLimiter(int limit, int64_t window_ms, size_t max_keys = 1000000);
  // Counts one event; false if the key is over its limit in the current window (then the
  // event is not counted).
  bool Allow(const std::string& key, int64_t now_ms);

 private:
  const int limit_;
  FixedWindowCounter counter_;
};

}  // namespace mqchat
