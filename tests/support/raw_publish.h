// RawPublish: what an attacker's client does with a huge PUBLISH, over a plain socket: CONNECT
// (MQTT 5 or 3.1.1, username and password), then a QoS 1 PUBLISH whose header declares the whole
// payload, written from the caller's buffer (no copy) as fast as the socket takes it while
// reading what the broker says, until it acknowledges, disconnects or closes. Unlike Paho, it
// reads a DISCONNECT that arrives before the broker's reset. Thread-safe (no shared state).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

namespace mqchat::test {

struct RawPublishResult {
  int connack = -1;               // CONNACK reason code (3.1.1: return code); -1 none
  std::optional<int> puback;      // PUBACK reason code (3.1.1: 0), if one came
  std::optional<int> disconnect;  // reason code of a DISCONNECT from the broker (MQTT 5)
  bool closed = false;            // the broker closed (or reset) the connection
  size_t payload_written = 0;     // payload bytes the socket took before that
};

struct RawPublishOptions {
  int port = 0;
  int mqtt_version = 5;  // 5, or 4 for MQTT 3.1.1
  std::string client_id, username, password, topic;
  std::chrono::milliseconds timeout{30000};  // for the whole exchange
};

RawPublishResult RawPublish(const RawPublishOptions& options, const std::string& payload);

}  // namespace mqchat::test
