#include "login_limits.h"

#include <algorithm>
#include <utility>

#include "protocol/identity.h"

namespace mqchat::api {

LoginLimits::LoginLimits(auth::ThrottleLimits limits, int64_t window_ms, SharedCounts* shared,
                         std::string scope)
    : limits_(limits),
      window_ms_(window_ms),
      shared_(shared),
      scope_(std::move(scope)),
      throttle_(limits, window_ms) {}

auth::LoginKeys LoginLimits::Keys(const std::string& username, const std::string& address) {
  // "Alice" and "alice" are one account (names are unique ignoring case): one count.
  return auth::LoginKeys::For(protocol::UsernameKey(username), address);
}

int LoginLimits::RetryAfterS(const auth::LoginKeys& keys, int64_t now_ms) {
  int64_t wait_ms = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    wait_ms = throttle_.RetryAfterMs(keys, now_ms);
  }
  if (shared_ != nullptr) {
    // Redis down: the per-process count alone decides (shared_counts.h).
    auto shared = shared_->WaitMs(scope_, {{keys.user, limits_.per_user},
                                           {keys.address, limits_.per_address},
                                           {keys.prefix, limits_.per_prefix}});
    if (shared.ok()) wait_ms = std::max(wait_ms, *shared);
  }
  return static_cast<int>((wait_ms + 999) / 1000);  // rounded up: never "0" while refused
}

void LoginLimits::RecordFailure(const auth::LoginKeys& keys, int64_t now_ms) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    throttle_.RecordFailure(keys, now_ms);
  }
  if (shared_ != nullptr) {
    (void)shared_->Add(scope_, {keys.user, keys.address, keys.prefix}, window_ms_);
  }
}

void LoginLimits::RecordSuccess(const auth::LoginKeys& keys) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    throttle_.ResetUser(keys);
  }
  if (shared_ != nullptr) (void)shared_->Reset(scope_, keys.user);
}

}  // namespace mqchat::api
