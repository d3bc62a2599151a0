#include "util/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace mqchat {

RateLimiter::RateLimiter(double rate_per_s, double burst, size_t max_keys)
    : rate_per_ms_(rate_per_s / 1000.0), burst_(std::max(1.0, burst)), max_keys_(max_keys) {}

RateLimiter RateLimiter::PerWindow(int limit, int64_t window_ms, size_t max_keys) {
  return RateLimiter(1000.0 * limit / static_cast<double>(window_ms), limit, max_keys);
}

double RateLimiter::TokensAt(const Bucket& b, int64_t now_ms) const {
  const int64_t elapsed = std::max<int64_t>(0, now_ms - b.at_ms);
  return std::min(burst_, b.tokens + static_cast<double>(elapsed) * rate_per_ms_);
}

int64_t RateLimiter::WaitMs(const std::string& key, double cost, int64_t now_ms) const {
  auto it = buckets_.find(key);
  const double tokens = it == buckets_.end() ? burst_ : TokensAt(it->second, now_ms);
  const double needed = std::min(cost, burst_);
  if (tokens >= needed) return 0;
  // Rounded up, and at least 1 ms: after that wait the event is allowed.
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((needed - tokens) / rate_per_ms_)));
}

int64_t RateLimiter::Take(const std::string& key, double cost, int64_t now_ms) {
  const int64_t wait = WaitMs(key, cost, now_ms);
  if (wait == 0) Charge(key, cost, now_ms);
  return wait;
}

void RateLimiter::Charge(const std::string& key, double cost, int64_t now_ms) {
  auto it = buckets_.find(key);
  if (it == buckets_.end()) {
    if (buckets_.size() >= max_keys_) MakeRoom(now_ms);
    buckets_.emplace(key, Bucket{burst_ - cost, now_ms});
    return;
  }
  it->second.tokens = TokensAt(it->second, now_ms) - cost;
  it->second.at_ms = std::max(it->second.at_ms, now_ms);
}

void RateLimiter::MakeRoom(int64_t now_ms) {
  // A full bucket says nothing an absent key does not. A sweep is O(keys): under a flood of
  // new keys it runs at most once a second, and otherwise an arbitrary key goes.
  if (last_sweep_ms_ != INT64_MIN && now_ms - last_sweep_ms_ < 1000) {
    buckets_.erase(buckets_.begin());
    return;
  }
  last_sweep_ms_ = now_ms;
  for (auto b = buckets_.begin(); b != buckets_.end();) {
    b = TokensAt(b->second, now_ms) >= burst_ ? buckets_.erase(b) : std::next(b);
  }
  if (buckets_.size() >= max_keys_) buckets_.erase(buckets_.begin());
}

}  // namespace mqchat
