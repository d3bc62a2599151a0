#include "util/rate_limiter.h"

namespace mqchat {

RateLimiter::RateLimiter(int limit, int64_t window_ms, size_t max_keys)
    : limit_(limit), counter_(window_ms, max_keys) {}

bool RateLimiter::Allow(const std::string& key, int64_t now_ms) {
  if (counter_.AtLimit(key, limit_, now_ms)) return false;
  counter_.Add(key, now_ms);
  return true;
}

}  // namespace mqchat
