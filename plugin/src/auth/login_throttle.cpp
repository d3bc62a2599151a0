#include "auth/login_throttle.h"

namespace mqchat::auth {

LoginThrottle::LoginThrottle(int max_failures, int64_t window_ms, size_t max_keys)
    : max_failures_(max_failures), window_ms_(window_ms), max_keys_(max_keys) {}

bool LoginThrottle::IsThrottled(const std::string& key, int64_t now_ms) const {
  auto it = windows_.find(key);
  if (it == windows_.end()) return false;
  if (now_ms - it->second.start_ms >= window_ms_) return false;
  return it->second.failures >= max_failures_;
}

void LoginThrottle::RecordFailure(const std::string& key, int64_t now_ms) {
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) {
      for (auto w = windows_.begin(); w != windows_.end();) {
        w = now_ms - w->second.start_ms >= window_ms_ ? windows_.erase(w) : std::next(w);
      }
      if (windows_.size() >= max_keys_) windows_.erase(windows_.begin());
    }
    windows_.emplace(key, Window{now_ms, 1});
    return;
  }
  if (now_ms - it->second.start_ms >= window_ms_) {
    it->second = Window{now_ms, 1};
  } else {
    ++it->second.failures;
  }
}

void LoginThrottle::Reset(const std::string& key) { windows_.erase(key); }

}  // namespace mqchat::auth
