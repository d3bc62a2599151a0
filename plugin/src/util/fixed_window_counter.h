// FixedWindowCounter: counts events per key in fixed windows of `window_ms`: a key's window
// starts at its first event and ends `window_ms` later; the next event after that starts a new
// one at count 1. At most `max_keys` keys are kept (expired windows go first, then an arbitrary
// one; expired windows are swept at most every quarter window, so a map full of live keys costs
// O(1) per new key, not a scan). The counting behind LoginThrottle (failed
// logins), ConnectionGate (new connections) and HashBudget (password hashes).
// Single-threaded (broker thread).
#pragma once

#include <cstdint>
#include <climits>
#include <string>
#include <unordered_map>

namespace mqchat {

class FixedWindowCounter {
 public:
  FixedWindowCounter(int64_t window_ms, size_t max_keys);

  // Whether `key` has a live window at `now_ms` holding at least `limit` events. A key without
  // one is never at its limit (its next event opens a window).
  bool AtLimit(const std::string& key, int limit, int64_t now_ms) const {
    return WaitMs(key, limit, now_ms) > 0;
  }
  // 0 if `key` is not at `limit` at `now_ms`, else the milliseconds until its window ends (when
  // its next event is allowed).
  int64_t WaitMs(const std::string& key, int limit, int64_t now_ms) const;
  // Counts one event of `key` at `now_ms` (in a new window if it has no live one).
  void Add(const std::string& key, int64_t now_ms);
  void Reset(const std::string& key) { windows_.erase(key); }

 private:
  struct Window {
    int64_t start_ms;
    int count;
  };
  bool Expired(const Window& w, int64_t now_ms) const { return now_ms - w.start_ms >= window_ms_; }
  void MakeRoom(int64_t now_ms);

  const int64_t window_ms_;
  const size_t max_keys_;
  int64_t last_sweep_ms_ = INT64_MIN;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace mqchat
