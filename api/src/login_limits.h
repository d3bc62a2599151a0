// LoginLimits: the throttles on POST /v1/login against guessing (issue 29): failed logins are
// counted per username (any spelling: the name's key), per client address and per network
// (/24 IPv4, /56 IPv6: auth/network_prefix), each with its own limit in a window
// (login_fail_max, login_fail_max_per_prefix, login_fail_window_s). Past any limit a login is
// answered 429 RATE_LIMITED with Retry-After before the store or the password pool is touched.
// Unknown and known usernames count alike, so the throttle tells nobody which exist; a verified
// login starts its username's count over (the address and network keep theirs). The counts
// are per API process (each of N processes allows its own budget). Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "auth/login_throttle.h"

namespace mqchat::api {

class LoginLimits {
 public:
  LoginLimits(auth::ThrottleLimits limits, int64_t window_ms);

  // The keys `username` (as given) from `address` counts against.
  static auth::LoginKeys Keys(const std::string& username, const std::string& address);
  // 0 if a login with `keys` may try now, else the seconds to wait (the window).
  int RetryAfterS(const auth::LoginKeys& keys, int64_t now_ms);
  void RecordFailure(const auth::LoginKeys& keys, int64_t now_ms);
  void RecordSuccess(const auth::LoginKeys& keys);

 private:
  const int64_t window_ms_;
  std::mutex mu_;
  auth::LoginThrottle throttle_;  // guarded by mu_
};

}  // namespace mqchat::api
