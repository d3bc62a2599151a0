// HashBudget: the global budget of password hashes (PBKDF2) per second, across all users and
// addresses. The broker thread must answer BASIC_AUTH synchronously, so every hash stalls every
// client for its duration (~60 ms at 210,000 iterations); past the budget a password login is
// refused at once (never queued). Hashes are spread evenly: at most one per 1000/N ms, so a
// request from an established client waits behind at most one hash, not a burst of N.
// Broker thread only.
#pragma once

#include <cstdint>

#include "util/fixed_window_counter.h"

namespace mqchat::auth {

class HashBudget {
 public:
  explicit HashBudget(int hashes_per_s);

  // Takes one hash from the budget at `now_ms`; false if none is left.
  bool TryTake(int64_t now_ms);

 private:
  FixedWindowCounter spacing_;  // one key, window 1000/N ms, limit 1
};

}  // namespace mqchat::auth
