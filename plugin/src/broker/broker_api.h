// BrokerApi: what the plugin core asks of the broker (publish, kick, log). The mosquitto
// implementation lives in mosquitto_broker_api.cpp; tests use a fake. Broker thread only:
// mosquitto's plugin functions are not thread-safe, so other threads post work through
// BrokerTaskQueue instead of calling this.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "mqchat/status.h"

namespace mqchat {

enum class LogLevel { kDebug, kInfo, kNotice, kWarning, kError };

struct OutgoingMessage {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retain = false;
  // Empty: routed through subscriptions (READ ACL applies). Otherwise delivered to this one
  // client whether or not it subscribed.
  std::string target_client_id;
  std::string correlation_data;  // MQTT 5 correlation data, echoed from a request
  std::vector<std::pair<std::string, std::string>> user_properties;
  uint32_t message_expiry_s = 0;  // 0: never expires (applies to retained copies too)
};

class BrokerApi {
 public:
  virtual ~BrokerApi() = default;
  virtual void Log(LogLevel level, const std::string& message) = 0;
  // Queues a message for delivery. kInvalidArgument if the topic is not a valid publish topic.
  virtual Status Publish(const OutgoingMessage& message) = 0;
  // Disconnects every client of `username` (no will). Re-entrant: the broker runs DISCONNECT
  // callbacks inside this call, so never call it while iterating plugin containers.
  virtual void KickUser(const std::string& username) = 0;
  // Disconnects the client with this client id (`<user>/<device>`), if connected (no will).
  // Re-entrant, as KickUser.
  virtual void KickClient(const std::string& client_id) = 0;
};

}  // namespace mqchat
