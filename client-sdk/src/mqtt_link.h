// MqttLink: one MQTT 5 connection attempt over Paho MQTT C++ (an mqtt::async_client). The only
// file that includes Paho, so no Paho type or exception reaches the rest of the SDK. A fresh
// link per attempt also drops Paho's in-flight publishes, which the engine resends itself in
// outbox order. Methods: the engine thread. LinkEvents run on Paho's threads.
//
// Destroying a link destroys its Paho client (MQTTAsync_destroy), which is not safe while Paho
// still works on it (a CONNECT in progress, an open socket: eclipse-paho/paho.mqtt.c #220,
// #1669). So the engine never destroys a link it is done with at once: it calls
// BeginDisconnect() and keeps the link until Quiescent() (see LinkGraveyard).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "mqchat/status.h"

namespace mqchat::sdk {

struct LinkOptions {
  std::string server_uri;  // tcp://, mqtt://, ws://, or over TLS ssl://, mqtts://, wss://
  std::string ca_file;     // TLS: trusted CAs (PEM); empty: the system's trust store
  std::string client_id;
  std::string username;
  std::string password;
  std::chrono::seconds keepalive{30};
  std::chrono::milliseconds connect_timeout{10000};
  bool clean_start = false;
  uint32_t session_expiry_s = 0;
  std::string will_topic;  // QoS 1, not retained; none if empty
  std::string will_payload;
};

// Called on Paho threads: must be quick and must not call into the link.
struct LinkEvents {
  // The attempt's outcome: OK (connected), kUnauthenticated/kPermissionDenied/
  // kFailedPrecondition for refusals a retry cannot fix, kUnavailable otherwise. On success
  // `receive_maximum` is the server's limit of our unacknowledged QoS 1 publishes.
  std::function<void(Status, int receive_maximum)> on_connect;
  // An established connection ended (kUnavailable, or kFailedPrecondition when another
  // connection took the session over). At most once per link.
  std::function<void(Status)> on_lost;
  std::function<void(std::string topic, std::string payload)> on_message;
};

class MqttLink {
 public:
  static Result<std::unique_ptr<MqttLink>> Create(const LinkOptions& options, LinkEvents events);
  // Drops the connection without a DISCONNECT if still up (use Disconnect() to be graceful) and
  // destroys the Paho client: safe only once Quiescent().
  ~MqttLink();
  MqttLink(const MqttLink&) = delete;
  MqttLink& operator=(const MqttLink&) = delete;

  // Starts connecting; the outcome goes to on_connect.
  void Connect();
  // Subscribes at QoS 1; `done` gets the outcome on a Paho thread (kPermissionDenied if the
  // server refused the filter).
  void Subscribe(const std::string& filter, std::function<void(Status)> done);
  // Unsubscribes; `done` gets the outcome on a Paho thread.
  void Unsubscribe(const std::string& filter, std::function<void(Status)> done);
  // Queues a QoS 1 publish; kUnavailable if not connected. Delivery is not reported: the
  // protocol's JSON response is what counts.
  Status Publish(const std::string& topic, const std::string& payload);
  // Sends DISCONNECT (normal, so no will) and waits up to `timeout`.
  void Disconnect(std::chrono::milliseconds timeout);
  // Sends DISCONNECT if connected and not sent yet, without waiting. From then on a loss of the
  // connection is not reported (on_lost).
  void BeginDisconnect();
  // True once Paho is done with the client, so destroying it is safe: no CONNECT outstanding
  // (its outcome was reported), not connected, and no Paho callback of this link ran within
  // `grace` (Paho's threads finish their work after a callback returns).
  bool Quiescent(std::chrono::milliseconds grace) const;
  bool IsConnected() const;

 private:
  struct State;
  explicit MqttLink(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace mqchat::sdk
