// LoginThrottle: counts failed logins per key (a username, or a client address) in a fixed
// window (FixedWindowCounter); once a key reaches the limit, further unverified attempts are
// refused without running PBKDF2 until the window ends. Broker thread only.
#pragma once

#include <cstdint>
#include <string>

#include "util/fixed_window_counter.h"

namespace mqchat::auth {

class LoginThrottle {
 public:
  LoginThrottle(int max_failures, int64_t window_ms, size_t max_keys = 1000000);

  bool IsThrottled(const std::string& key, int64_t now_ms) const {
    return failures_.AtLimit(key, max_failures_, now_ms);
  }
  void RecordFailure(const std::string& key, int64_t now_ms) { failures_.Add(key, now_ms); }
  void Reset(const std::string& key) { failures_.Reset(key); }

 private:
  const int max_failures_;
  FixedWindowCounter failures_;
};

}  // namespace mqchat::auth
