#include "auth/login_throttle.h"

#include <algorithm>

#include "auth/network_prefix.h"

namespace mqchat::auth {

LoginKeys LoginKeys::For(std::string_view username, std::string_view address) {
  LoginKeys keys;
  if (!username.empty()) keys.user = "u:" + std::string(username);
  keys.address = "a:" + std::string(address);
  keys.prefix = "p:" + NetworkPrefix(address);
  return keys;
}

LoginThrottle::LoginThrottle(ThrottleLimits limits, int64_t window_ms, size_t max_keys)
    : limits_(limits), failures_(window_ms, max_keys) {}

int64_t LoginThrottle::RetryAfterMs(const LoginKeys& keys, int64_t now_ms) const {
  int64_t wait = std::max(failures_.WaitMs(keys.address, limits_.per_address, now_ms),
                          failures_.WaitMs(keys.prefix, limits_.per_prefix, now_ms));
  if (!keys.user.empty()) {
    wait = std::max(wait, failures_.WaitMs(keys.user, limits_.per_user, now_ms));
  }
  return wait;
}

void LoginThrottle::RecordFailure(const LoginKeys& keys, int64_t now_ms) {
  if (!keys.user.empty()) failures_.Add(keys.user, now_ms);
  failures_.Add(keys.address, now_ms);
  failures_.Add(keys.prefix, now_ms);
}

}  // namespace mqchat::auth
