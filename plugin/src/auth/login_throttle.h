// LoginThrottle: counts failed logins per key (a username, or a client address) in a fixed
// window; once a key reaches the limit, further unverified attempts are refused without
// running PBKDF2 until the window ends. Broker thread only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace mqchat::auth {

class LoginThrottle {
 public:
  LoginThrottle(int max_failures, int64_t window_ms, size_t max_keys = 1000000);

  bool IsThrottled(const std::string& key, int64_t now_ms) const;
  void RecordFailure(const std::string& key, int64_t now_ms);
  void Reset(const std::string& key);

 private:
  struct Window {
    int64_t start_ms;
    int failures;
  };
  const int max_failures_;
  const int64_t window_ms_;
  const size_t max_keys_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace mqchat::auth
