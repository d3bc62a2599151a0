#include "util/rate_limiter.h"

namespace mqchat {

RateLimiter::RateLimiter(int limit, int64_t window_ms, size_t max_keys)
    : limit_(limit), window_ms_(window_ms), max_keys_(max_keys) {}

bool RateLimiter::Allow(const std::string& key, int64_t now_ms) {
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      for (auto w = windows_.begin(); w != windows_.end();) {
        w = now_ms - w->second.start_ms >= window_ms_ ? windows_.erase(w) : std::next(w);
      }
      if (windows_.size() >= max_keys_) windows_.erase(windows_.begin());
    }
    windows_.emplace(key, Window{now_ms, 1});
    return true;
  }
  if (now_ms - it->second.start_ms >= window_ms_) {
    it->second = Window{now_ms, 1};
    return true;
  }
  if (it->second.count >= limit_) return false;
  ++it->second.count;
  return true;
}

}  // namespace mqchat
