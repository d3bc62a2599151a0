// BrokerDiscovery: GET /v1/connect, the broker addresses a client should use. With `redis` (or
// `redis_sentinels`) set,
// the brokers the plugin's cluster bus keeps alive in Redis (presence/cluster_keys.h): every
// broker whose liveness key has not lapsed (a dead one drops out within its redis_ttl_s) and
// advertises URLs (plugin_opt_advertise_urls), least loaded first (devices connected to it,
// summed from its users hash; ties by broker id), each broker's URLs in the order it lists
// them. The configured `broker` list when Redis is not configured, cannot be reached, or no live
// broker advertises a URL. An answer is reused for `discovery_cache_ms`, so Redis sees at most
// one read per interval and process however many clients ask.
// Thread-safe: Handle is called from the HTTP threads; one Redis connection behind a mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http_types.h"
#include "presence/redis_handles.h"
#include "threads/mutex.h"

namespace mqchat::api {

// One live broker, as read from Redis.
struct LiveBroker {
  int id = 0;
  int64_t devices = 0;            // devices connected to it
  std::vector<std::string> urls;  // what it advertises
};

// Orders `brokers` least loaded first (ties by id) and flattens them into the response's
// `brokers` array: one {"url","broker","connected_devices"} per URL. Pure.
nlohmann::json RankBrokers(std::vector<LiveBroker> brokers);

class BrokerDiscovery {
 public:
  // `redis` nullopt: the static list only. With sentinels, every connect asks them for the
  // master (presence/redis_handles.h), so discovery follows a failover.
  BrokerDiscovery(std::optional<presence::RedisAddress> redis,
                  std::vector<std::string> static_urls, int cache_ms,
                  std::function<int64_t()> now_ms);

  ApiResponse Handle() const;

 private:
  // Reads the live brokers; an error if Redis cannot be reached (the connection is then dropped).
  Result<std::vector<LiveBroker>> ReadLive() const REQUIRES(mu_);
  nlohmann::json StaticList() const;

  const std::optional<presence::RedisAddress> redis_address_;
  const std::vector<std::string> static_urls_;
  const int cache_ms_;
  const std::function<int64_t()> now_ms_;

  mutable Mutex mu_;
  mutable presence::RedisContextPtr redis_ GUARDED_BY(mu_);
  mutable nlohmann::json cached_ GUARDED_BY(mu_);
  mutable int64_t cached_at_ms_ GUARDED_BY(mu_) = 0;
  mutable bool has_cached_ GUARDED_BY(mu_) = false;
  mutable bool redis_failing_ GUARDED_BY(mu_) = false;
};

}  // namespace mqchat::api
