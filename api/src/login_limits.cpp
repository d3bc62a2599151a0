#include "login_limits.h"

#include "protocol/identity.h"

namespace mqchat::api {

LoginLimits::LoginLimits(auth::ThrottleLimits limits, int64_t window_ms)
    : window_ms_(window_ms), throttle_(limits, window_ms) {}

auth::LoginKeys LoginLimits::Keys(const std::string& username, const std::string& address) {
  // "Alice" and "alice" are one account (names are unique ignoring case): one count.
  return auth::LoginKeys::For(protocol::UsernameKey(username), address);
}

int LoginLimits::RetryAfterS(const auth::LoginKeys& keys, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!throttle_.IsThrottled(keys, now_ms)) return 0;
  return static_cast<int>((window_ms_ + 999) / 1000);
}

void LoginLimits::RecordFailure(const auth::LoginKeys& keys, int64_t now_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  throttle_.RecordFailure(keys, now_ms);
}

void LoginLimits::RecordSuccess(const auth::LoginKeys& keys) {
  std::lock_guard<std::mutex> lock(mu_);
  throttle_.ResetUser(keys);
}

}  // namespace mqchat::api
