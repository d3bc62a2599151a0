// ChatTestClient: speaks docs/PROTOCOL.md over an MqttTestClient for integration tests:
// requests with matched responses, and the user's inbox events. Test thread only.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "protocol/ops.h"
#include "support/mqtt_test_client.h"

namespace mqchat::test {

struct ChatResponse {
  int puback = MqttTestClient::kTimedOut;  // the request's PUBACK reason code (QoS 0: 0)
  std::optional<nlohmann::json> body;      // the JSON response, if one arrived in time
  int qos = -1;                            // the QoS the response was delivered at
  bool ok() const { return body && body->value("ok", false); }
  std::string error_code() const;           // "" if ok or no response
  std::string Describe() const;             // for assertion messages
};

class ChatTestClient {
 public:
  static constexpr std::chrono::milliseconds kTimeout{15000};

  // Connects as `user`/`device` and subscribes to mqchat/v1/u/<user>/#. Returns the CONNACK
  // reason code (0 = connected), or the SUBACK failure.
  int Connect(int port, const std::string& user, const std::string& password,
              const std::string& device = "d1", int mqtt_version = 5, bool clean_start = true);

  // Publishes a request at `qos` and waits for its response (matched by req_id).
  ChatResponse Request(protocol::Op op, int64_t conversation_id, nlohmann::json body,
                       std::chrono::milliseconds timeout = kTimeout, int qos = 1);
  // Same, with a payload given as raw bytes (for invalid UTF-8 and other hostile input); it must
  // carry "req_id":"<req_id>" for the response to be matched.
  ChatResponse RequestRaw(protocol::Op op, int64_t conversation_id, const std::string& payload,
                          const std::string& req_id, std::chrono::milliseconds timeout = kTimeout,
                          int qos = 1);
  // Same, on any topic (an op that does not exist, say).
  ChatResponse RequestOnTopic(const std::string& topic, const std::string& payload,
                              const std::string& req_id,
                              std::chrono::milliseconds timeout = kTimeout, int qos = 1);
  ChatResponse Send(int64_t conversation_id, const std::string& text,
                    const std::string& client_msg_id, int qos = 1);
  // The id of the direct conversation with `peer` (0 and a test failure if refused).
  int64_t OpenDirect(const std::string& peer);
  int64_t CreateGroup(const std::string& name, const std::vector<std::string>& members);

  // Waits for the next inbox event of `type` ("message", "read", "conversation"); other
  // events stay queued.
  std::optional<nlohmann::json> WaitEvent(const std::string& type,
                                          std::chrono::milliseconds timeout = kTimeout);
  // Collects `count` message events of `conversation_id` (others are kept for later).
  std::vector<nlohmann::json> WaitMessages(int64_t conversation_id, size_t count,
                                           std::chrono::milliseconds timeout = kTimeout);
  // Every inbox event received so far and not yet consumed.
  size_t PendingEvents();

  MqttTestClient& mqtt() { return mqtt_; }
  const std::string& user() const { return user_; }
  void Disconnect() { mqtt_.Disconnect(); }

 private:
  // Moves one inbox message (if any arrives in time) into events_. False if none came.
  bool PullInbox(std::chrono::milliseconds timeout);

  MqttTestClient mqtt_;
  std::string user_;
  std::string device_;
  uint64_t next_req_ = 0;
  std::vector<nlohmann::json> events_;  // inbox events not yet consumed, in arrival order
};

// Parses a decimal-string or numeric JSON id.
int64_t JsonId(const nlohmann::json& value);

}  // namespace mqchat::test
