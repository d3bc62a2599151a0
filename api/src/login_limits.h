// LoginLimits: the throttles on POST /v1/login against guessing (issue 29): failed logins are
// counted per username (any spelling: the name's key), per client address and per network
// (/24 IPv4, /56 IPv6: auth/network_prefix), each with its own limit in a window
// (login_fail_max, login_fail_max_per_prefix, login_fail_window_s). Past any limit a login is
// answered 429 RATE_LIMITED with Retry-After (the seconds until the next attempt is allowed)
// before the store or the password pool is touched. A second instance throttles POST
// /v1/signup (signup.h): every sign-up attempt counts per address and per network, keys
// without a username (signup_max_per_address, signup_max_per_prefix, signup_window_s).
// Unknown and known usernames count alike, so the throttle tells nobody which exist; a verified
// login starts its username's count over (the address and network keep theirs).
// The counts are per API process, and with Redis configured also in Redis (shared_counts.h),
// shared by every API process: a key is throttled when either count says so, so while Redis is
// down each process still holds its own budget.
// How many password checks a network may have in the hash pool is the pool's budget
// (network_hash_budget.h), not this throttle's.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "auth/login_throttle.h"
#include "shared_counts.h"

namespace mqchat::api {

class LoginLimits {
 public:
  // `shared`: the Redis counts (null: per process only), under keys of `scope`.
  LoginLimits(auth::ThrottleLimits limits, int64_t window_ms, SharedCounts* shared = nullptr,
              std::string scope = "login");

  // The keys `username` (as given) from `address` counts against.
  static auth::LoginKeys Keys(const std::string& username, const std::string& address);
  // 0 if a login with `keys` may try now, else the seconds (rounded up) until it may.
  int RetryAfterS(const auth::LoginKeys& keys, int64_t now_ms);
  void RecordFailure(const auth::LoginKeys& keys, int64_t now_ms);
  void RecordSuccess(const auth::LoginKeys& keys);

 private:
  const auth::ThrottleLimits limits_;
  const int64_t window_ms_;
  SharedCounts* const shared_;
  const std::string scope_;
  std::mutex mu_;
  auth::LoginThrottle throttle_;  // guarded by mu_
};

}  // namespace mqchat::api
