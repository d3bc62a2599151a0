// GET /v1/users?prefix=P or ?name=N: finds users who allow it (profiles.discoverable, off by
// default: a user opts in with PATCH /v1/me) by their exact name or a name prefix (at least 2
// characters), ignoring case, at most kMaxLookupResults, in name order; answers
// {"users":[profile...]} (profiles.h ProfileJson). Only for an authenticated caller, and
// rate-limited per account and per client address (lookup_per_minute,
// lookup_per_minute_per_address): beyond that 429 RATE_LIMITED with Retry-After. The limits
// are per API process (each of N processes allows its own budget). Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

#include "bearer_auth.h"
#include "http_types.h"
#include "store_pool.h"
#include "util/rate_limiter.h"

namespace mqchat::api {

inline constexpr int kMaxLookupResults = 20;
inline constexpr size_t kMinLookupPrefix = 2;

class UserLookup {
 public:
  UserLookup(StorePool* stores, const BearerAuth* auth, int per_minute,
             int per_minute_per_address, std::function<int64_t()> now_ms);

  ApiResponse Handle(const ApiRequest& request);

 private:
  // 0 if the caller (and its address) may look up now, else how long to wait in ms.
  int64_t Take(const std::string& caller, const std::string& address, int64_t now_ms);

  StorePool* stores_;
  const BearerAuth* auth_;
  std::function<int64_t()> now_ms_;
  std::mutex mu_;
  RateLimiter per_account_;  // guarded by mu_
  RateLimiter per_address_;  // guarded by mu_
};

}  // namespace mqchat::api
