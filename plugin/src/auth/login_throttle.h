// LoginThrottle: counts failed logins in a fixed window (FixedWindowCounter) per username, per
// client address and per network prefix (NetworkPrefix: /24 IPv4, /56 IPv6), each with its own
// limit; once any of a login's keys reaches its limit, further unverified attempts are refused
// without running PBKDF2 until that window ends. The prefix limit is what holds against an
// attacker with many addresses of one network. Broker thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/fixed_window_counter.h"

namespace mqchat::auth {

struct ThrottleLimits {
  int per_user = 10;
  int per_address = 10;
  int per_prefix = 100;
};

// The keys one login attempt counts against. `user` is empty when the attempt named no valid
// username (it then counts per address and prefix only).
struct LoginKeys {
  std::string user;
  std::string address;
  std::string prefix;

  static LoginKeys For(std::string_view username, std::string_view address);
};

class LoginThrottle {
 public:
  LoginThrottle(ThrottleLimits limits, int64_t window_ms, size_t max_keys = 1000000);

  bool IsThrottled(const LoginKeys& keys, int64_t now_ms) const {
    return RetryAfterMs(keys, now_ms) > 0;
  }
  // 0 if an attempt with `keys` may run at `now_ms`, else the milliseconds until every key at
  // its limit has left its window.
  int64_t RetryAfterMs(const LoginKeys& keys, int64_t now_ms) const;
  void RecordFailure(const LoginKeys& keys, int64_t now_ms);
  // After a verified login: the user's count starts over (the address and prefix keep theirs).
  void ResetUser(const LoginKeys& keys) { failures_.Reset(keys.user); }

 private:
  const ThrottleLimits limits_;
  FixedWindowCounter failures_;
};

}  // namespace mqchat::auth
