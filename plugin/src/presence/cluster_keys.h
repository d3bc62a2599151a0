// The Redis keys brokers keep alive for each other (cluster_bus.h) and mqchat-api reads for
// discovery (api/src/discovery.h), named once:
//  - `mqchat:brokers`: the set of broker ids that have announced themselves;
//  - `mqchat:broker:<id>`: the broker's liveness key, alive for plugin_opt_redis_ttl_s after its
//    last heartbeat; its value is plugin_opt_advertise_urls (the client-facing URLs, separated
//    by spaces), or "1" if none are advertised;
//  - `mqchat:broker_users:<id>`: a hash user -> that user's devices connected to the broker.
// Pure values; any thread.
#pragma once

#include <string>

namespace mqchat::presence {

inline constexpr const char* kBrokersKey = "mqchat:brokers";
inline constexpr const char* kNoAdvertisedUrls = "1";  // the liveness value without URLs

inline std::string LivenessKey(int broker) { return "mqchat:broker:" + std::to_string(broker); }
inline std::string UsersKey(int broker) {
  return "mqchat:broker_users:" + std::to_string(broker);
}

}  // namespace mqchat::presence
