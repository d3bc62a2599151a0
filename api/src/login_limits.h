// LoginLimits: the throttles on POST /v1/login against guessing (issue 29): failed logins are
// counted per username (any spelling: the name's key), per client address and per network
// (/24 IPv4, /56 IPv6: auth/network_prefix), each with its own limit in a window
// (login_fail_max, login_fail_max_per_prefix, login_fail_window_s). Past any limit a login is
// answered 429 RATE_LIMITED with Retry-After (the seconds until the next attempt is allowed)
// before the store or the password pool is touched. A second instance throttles POST
// /v1/signup (signup.h): every sign-up attempt counts per address and per network, keys
// without a username (signup_max_per_address, signup_max_per_prefix, signup_window_s).
// Unknown and known usernames count alike, so the throttle tells nobody which exist; a verified
// login starts its username's count over (the address and network keep theirs).
// The counts are per API process, and with Redis configured also in Redis (shared_counts.h),
// shared by every API process: a key is throttled when either count says so, so while Redis is
// down each process still holds its own budget.
// Hash shares: one network (/24 or /56) may have at most `max_hashes_per_prefix` password checks
// in the hash pool at once (HashSlot), so a flood from one network cannot fill the pool's
// queue and turn everyone else's logins into 503s before its failures reach the throttle.
// Thread-safe.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/login_throttle.h"
#include "shared_counts.h"

namespace mqchat::api {

class LoginLimits {
 public:
  // `shared`: the Redis counts (null: per process only), under keys of `scope`.
  // `max_hashes_per_prefix`: see HashSlot (0: no cap).
  LoginLimits(auth::ThrottleLimits limits, int64_t window_ms, SharedCounts* shared = nullptr,
              std::string scope = "login", int max_hashes_per_prefix = 0);

  // One password check of a network in flight; released when destroyed. Empty (false) when
  // the network already holds its share: answer 503 OVERLOADED without hashing.
  class HashSlot {
   public:
    HashSlot() = default;
    HashSlot(HashSlot&& other) noexcept
        : owner_(other.owner_), prefix_(std::move(other.prefix_)) {
      other.owner_ = nullptr;
    }
    HashSlot& operator=(HashSlot&&) = delete;
    ~HashSlot();
    explicit operator bool() const { return owner_ != nullptr; }

   private:
    friend class LoginLimits;
    HashSlot(LoginLimits* owner, std::string prefix) : owner_(owner), prefix_(std::move(prefix)) {}
    LoginLimits* owner_ = nullptr;
    std::string prefix_;
  };
  HashSlot TakeHashSlot(const auth::LoginKeys& keys);

  // The keys `username` (as given) from `address` counts against.
  static auth::LoginKeys Keys(const std::string& username, const std::string& address);
  // 0 if a login with `keys` may try now, else the seconds (rounded up) until it may.
  int RetryAfterS(const auth::LoginKeys& keys, int64_t now_ms);
  void RecordFailure(const auth::LoginKeys& keys, int64_t now_ms);
  void RecordSuccess(const auth::LoginKeys& keys);

 private:
  const auth::ThrottleLimits limits_;
  const int64_t window_ms_;
  SharedCounts* const shared_;
  const std::string scope_;
  const int max_hashes_per_prefix_;
  std::mutex mu_;
  auth::LoginThrottle throttle_;                  // guarded by mu_
  std::unordered_map<std::string, int> hashing_;  // guarded by mu_: prefix -> checks in flight
};

}  // namespace mqchat::api
