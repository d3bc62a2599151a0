// HashBudget: the global budget of password hashes (PBKDF2) on the broker thread, across all
// users and addresses. The broker thread must answer BASIC_AUTH synchronously, so every hash
// stalls every client for its duration (tens of ms at 210,000 iterations, several times that on
// a loaded machine); past the budget a password login is refused at once (never
// queued). Two bounds, whichever is tighter:
// - at most N hashes a second, spread evenly: at most one per 1000/N ms, so a request of an
//   established client waits behind at most one hash, not a burst of N;
// - at most `duty_percent` of the broker thread's time: after a hash that took d ms the next
//   waits at least d x (100 - duty_percent) / duty_percent, so a slow or loaded machine hashes
//   less often (at the default 20%: four times the last hash's duration).
// Broker thread only.
#pragma once

#include <cstdint>

#include "util/fixed_window_counter.h"

namespace mqchat::auth {

class HashBudget {
 public:
  HashBudget(int hashes_per_s, int duty_percent);

  // Takes one hash from the budget at `now_ms`; false if none is left.
  bool TryTake(int64_t now_ms);
  // Reports that the hash taken ran from `start_ms` to `end_ms`.
  void Spent(int64_t start_ms, int64_t end_ms);

 private:
  const int duty_percent_;
  FixedWindowCounter spacing_;  // one key, window 1000/N ms, limit 1
  int64_t not_before_ms_ = INT64_MIN;
};

}  // namespace mqchat::auth
