// MqttTestClient: a Paho MQTT client for integration tests that returns MQTT reason codes
// instead of throwing, and queues received messages for the test thread to wait on.
// Methods: test thread. The receive queue and disconnect state are filled on Paho's thread.
// Linking this file also caps Paho C's receive-thread poll()/sleep for the whole binary, so a
// Connect() takes milliseconds instead of ~2 s (see mqtt_test_client.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "threads/mutex.h"

namespace mqtt {
class async_client;
}

namespace mqchat::test {

using UserProperties = std::vector<std::pair<std::string, std::string>>;

struct WillOptions {
  std::string topic;
  std::string payload;
  int qos = 1;
  bool retain = false;
};

struct ConnectOptions {
  std::string host = "127.0.0.1";
  int port = 0;
  bool websockets = false;  // ws://host:port instead of tcp://host:port
  std::string client_id;    // "" -> a unique generated id
  std::optional<std::string> username;  // unset: no username in CONNECT
  std::optional<std::string> password;  // binary-safe
  int mqtt_version = 5;                 // 5, or 4 for MQTT 3.1.1
  bool clean_start = true;              // v3.1.1: clean session
  int keepalive_s = 30;
  std::optional<WillOptions> will;
  std::optional<uint32_t> session_expiry_s;  // v5 only
  std::chrono::milliseconds timeout{5000};
};

struct PublishProps {  // v5 only; ignored for 3.1.1
  std::optional<std::string> response_topic;
  std::optional<std::string> correlation_data;
  UserProperties user_properties;
  std::optional<int> payload_format_indicator;  // 1 = UTF-8 payload
  std::optional<uint32_t> message_expiry_s;
};

struct ReceivedMessage {
  std::string topic;
  std::string payload;  // raw bytes
  int qos = 0;
  bool retained = false;
  bool duplicate = false;
  std::optional<std::string> response_topic;
  std::optional<std::string> correlation_data;
  UserProperties user_properties;
  std::optional<int> payload_format_indicator;
};

// True if `topic` matches the MQTT filter `filter` ('+' and '#' wildcards).
bool TopicMatches(const std::string& filter, const std::string& topic);

class MqttTestClient {
 public:
  // Return values below 0 are local failures, never sent by a server.
  static constexpr int kTimedOut = -100;     // no answer within the timeout
  static constexpr int kNotConnected = -101;  // Connect() has not succeeded
  // Other negative values are Paho C error codes (e.g. -1 MQTTASYNC_FAILURE: TCP connect failed).

  MqttTestClient();
  ~MqttTestClient();  // disconnects
  MqttTestClient(const MqttTestClient&) = delete;
  MqttTestClient& operator=(const MqttTestClient&) = delete;

  // Connects (dropping any previous connection first). Returns the CONNACK reason code: 0 on
  // success; v5 e.g. 0x86 bad user name or password, 0x87 not authorized; v3.1.1 the return
  // code (4 bad user name or password, 5 not authorized); or a negative local failure.
  int Connect(const ConnectOptions& options);
  // Returns the SUBACK reason code: the granted QoS 0..2, or e.g. 0x80/0x87 (v5) / 0x80 (v3).
  int Subscribe(const std::string& filter, int qos = 1);
  // Returns the UNSUBACK reason code (v5; 0 for v3.1.1 on success).
  int Unsubscribe(const std::string& filter);
  // Publishes and waits for completion. QoS 1/2 on v5: the PUBACK reason code if it is an error
  // (0x87 not authorized, 0x97 quota exceeded, 0x99 payload format invalid, ...), else 0: Paho C
  // 1.3.12 drops codes below 0x80, so 0x10 "no matching subscribers" also reads as 0.
  // QoS 0 / v3.1.1: 0 once sent/acknowledged.
  int Publish(const std::string& topic, const std::string& payload, int qos = 1,
              bool retain = false, const PublishProps& props = {});
  // Sends DISCONNECT (v5 with `reason_code`, e.g. 0x04 to have the will sent) and waits for it.
  void Disconnect(int reason_code = 0);
  bool IsConnected() const;

  // Waits for a received message whose topic matches `topic_filter` ("" = any), removes it from
  // the queue and returns it; other messages stay queued in order. nullopt on timeout.
  std::optional<ReceivedMessage> WaitMessage(std::chrono::milliseconds timeout,
                                             const std::string& topic_filter = "");
  // Removes and returns every queued message.
  std::vector<ReceivedMessage> Drain();
  size_t QueuedCount() const;

  // Waits until the connection is gone (server DISCONNECT, socket loss or our own Disconnect()).
  bool WaitDisconnected(std::chrono::milliseconds timeout);
  // The reason code of a DISCONNECT the server sent (v5) since the last Connect(), if any.
  std::optional<int> server_disconnect_reason() const;
  // Description of the last local failure or exception, for assertion messages.
  std::string last_error() const;
  const std::string& client_id() const { return client_id_; }
  int mqtt_version() const { return mqtt_version_; }

 private:
  void ResetClient();  // disconnects quickly and destroys the Paho client
  void OnMessage(ReceivedMessage message);
  void OnConnectionGone(std::optional<int> server_reason);
  void SetError(std::string error) const;
  // Removes and returns the first queued message matching `topic_filter` (any if empty).
  std::optional<ReceivedMessage> TakeMatching(const std::string& topic_filter) REQUIRES(mu_);

  std::chrono::milliseconds timeout_{5000};
  std::string client_id_;
  int mqtt_version_ = 5;

  mutable Mutex mu_;
  CondVar cv_;
  std::deque<ReceivedMessage> queue_ GUARDED_BY(mu_);
  bool disconnected_ GUARDED_BY(mu_) = true;
  std::optional<int> server_reason_ GUARDED_BY(mu_);
  mutable std::string last_error_ GUARDED_BY(mu_);

  // Declared last: destroyed first, so Paho callbacks never see dead members.
  std::unique_ptr<mqtt::async_client> client_;
};

}  // namespace mqchat::test
