// RateLimiter: a token bucket per key. Each key holds up to `burst` tokens and regains
// `rate_per_s` per second; an event of cost c takes c tokens. Behind typing (at most N per
// minute: a burst of N, refilled at N per minute) and the send limits (chat/send_limits.h:
// messages per second with a burst, and a fan-out budget of deliveries per second).
// A key whose bucket is full is the same as an unknown key, so full buckets are what is
// dropped when the map reaches `max_keys` (then, if every bucket is in use, an arbitrary one:
// that key gets a fresh burst). Single-threaded (broker thread).
#pragma once

#include <climits>
#include <cstdint>
#include <string>
#include <unordered_map>

namespace mqchat {

class RateLimiter {
 public:
  // `rate_per_s` > 0, `burst` >= 1.
  RateLimiter(double rate_per_s, double burst, size_t max_keys = 1000000);
  // At most `limit` events per `window_ms` on average, `limit` at once (typing).
  static RateLimiter PerWindow(int limit, int64_t window_ms, size_t max_keys = 1000000);

  // Counts one event; false if the key has no token left (then nothing is taken).
  bool Allow(const std::string& key, int64_t now_ms) { return Take(key, 1, now_ms) == 0; }

  // How long `key` must wait before an event of `cost` would be allowed: 0 if it would be now.
  // An event costing more than the burst waits for a full bucket (it is never refused for
  // good); its cost is then taken whole, leaving the bucket in debt, so it costs what it costs.
  int64_t WaitMs(const std::string& key, double cost, int64_t now_ms) const;
  // Takes `cost` if WaitMs is 0 and returns 0; otherwise takes nothing and returns WaitMs.
  int64_t Take(const std::string& key, double cost, int64_t now_ms);
  // Takes `cost` unconditionally (the bucket may go into debt).
  void Charge(const std::string& key, double cost, int64_t now_ms);

  double burst() const { return burst_; }
  size_t size() const { return buckets_.size(); }

 private:
  struct Bucket {
    double tokens;
    int64_t at_ms;  // when `tokens` was computed
  };
  double TokensAt(const Bucket& b, int64_t now_ms) const;
  void MakeRoom(int64_t now_ms);

  const double rate_per_ms_;
  const double burst_;
  const size_t max_keys_;
  int64_t last_sweep_ms_ = INT64_MIN;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace mqchat
