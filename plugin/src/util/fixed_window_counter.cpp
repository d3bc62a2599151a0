#include "util/fixed_window_counter.h"

#include <iterator>

namespace mqchat {

FixedWindowCounter::FixedWindowCounter(int64_t window_ms, size_t max_keys)
    : window_ms_(window_ms), max_keys_(max_keys) {}

int64_t FixedWindowCounter::WaitMs(const std::string& key, int limit, int64_t now_ms) const {
  auto it = windows_.find(key);
  if (it == windows_.end() || Expired(it->second, now_ms) || it->second.count < limit) return 0;
  return it->second.start_ms + window_ms_ - now_ms;
}

void FixedWindowCounter::Add(const std::string& key, int64_t now_ms) {
  auto it = windows_.find(key);
  if (it == windows_.end()) {
    if (windows_.size() >= max_keys_) MakeRoom(now_ms);
    windows_.emplace(key, Window{now_ms, 1});
  } else if (Expired(it->second, now_ms)) {
    it->second = Window{now_ms, 1};
  } else {
    ++it->second.count;
  }
}

void FixedWindowCounter::MakeRoom(int64_t now_ms) {
  // A sweep is O(keys): under a flood of new keys (one per source address) sweeping on every
  // insert would make each one a full scan, so sweep at most every quarter window and otherwise
  // drop an arbitrary key.
  if (last_sweep_ms_ == INT64_MIN || now_ms - last_sweep_ms_ >= window_ms_ / 4) {
    last_sweep_ms_ = now_ms;
    for (auto w = windows_.begin(); w != windows_.end();) {
      w = Expired(w->second, now_ms) ? windows_.erase(w) : std::next(w);
    }
  }
  if (windows_.size() >= max_keys_) windows_.erase(windows_.begin());
}

}  // namespace mqchat
