// RateLimiter: at most `limit` events per key per fixed window. Single-threaded (broker thread).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

namespace mqchat {

class RateLimiter {
 public:
  RateLimiter(int limit, int64_t window_ms, size_t max_keys = 1000000);
  // Counts one event; false if the key is over its limit in the current window.
  bool Allow(const std::string& key, int64_t now_ms);

 private:
  struct Window {
    int64_t start_ms;
    int count;
  };
  const int limit_;
  const int64_t window_ms_;
  const size_t max_keys_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace mqchat
