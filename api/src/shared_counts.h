// SharedCounts: throttle counts kept in Redis (issue 29), so every mqchat-api process behind a
// load balancer counts one budget: each key is a Redis counter "mqchat:throttle:<scope>:<key>"
// whose window opens with its first event (INCR, then PEXPIRE window) and lapses with the key,
// the same fixed windows as the per-process FixedWindowCounter. Each call is one small Lua
// script (atomic, one round trip). LoginLimits keeps its own per-process counts beside these
// and throttles when either says so; while Redis cannot be reached every call fails at once
// (a reconnect is tried at most once a second) and the per-process counts alone decide.
// Thread-safe: one Redis connection behind a mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mqchat/status.h"
#include "presence/redis_handles.h"
#include "threads/mutex.h"

namespace mqchat::api {

class SharedCounts {
 public:
  explicit SharedCounts(presence::RedisAddress address);

  // The milliseconds until every key of `keys` (name, limit) that holds at least `limit`
  // events has lapsed; 0 if none does. Keys with a limit <= 0 are skipped (at most 3 keys).
  Result<int64_t> WaitMs(const std::string& scope,
                         const std::vector<std::pair<std::string, int>>& keys);
  // Counts one event of each of `keys` (at most 3; empty names skipped).
  Status Add(const std::string& scope, const std::vector<std::string>& keys, int64_t window_ms);
  Status Reset(const std::string& scope, const std::string& key);

 private:
  // Runs `script` on KEYS `keys` (3, "" for none) and ARGV `args` (3); the integer it returns.
  Result<int64_t> Eval(const char* script, const std::vector<std::string>& keys,
                       const std::vector<std::string>& args);
  // The connection, reconnecting at most once a second; kUnavailable meanwhile.
  Result<redisContext*> Connection(int64_t now_ms) REQUIRES(mu_);
  // Logs the first failure of an outage.
  void NoteFailure(const Status& status) REQUIRES(mu_);

  const presence::RedisAddress address_;
  Mutex mu_;
  presence::RedisContextPtr redis_ GUARDED_BY(mu_);
  int64_t next_connect_ms_ GUARDED_BY(mu_) = 0;
  bool failing_ GUARDED_BY(mu_) = false;  // logged once per outage
};

}  // namespace mqchat::api
