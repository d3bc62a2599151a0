// Connection: one MQTT client on libmosquitto's non-threaded API (connect_async + loop_read /
// loop_write / loop_misc driven by an EventLoop). Used by one thread at a time: the setup phase
// hands connections to the run threads and takes them back after they are joined.
#pragma once

#include <mosquitto.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

#include "mqchat/status.h"

namespace mqchat::bench {

struct ConnectionConfig {
  int index = 0;         // position in the driver's connection list
  std::string user;      // protocol username (topic namespace)
  std::string device;    // client id = <user>/<device>
  std::string password;  // empty: no username/password (anonymous baseline)
  bool send_credentials = true;
  int protocol_version = MQTT_PROTOCOL_V5;
  int keepalive_s = 60;
  // false: a persistent session (MQTT 5 clean_start=false with `session_expiry_s` > 0), so the
  // broker queues QoS 1 deliveries while the client is offline.
  bool clean_start = true;
  uint32_t session_expiry_s = 0;
};

class Connection {
 public:
  // Callbacks run inside loop_read/loop_write on the owning thread. Publishing from them only
  // queues the packet; the EventLoop flushes it after the callback returns.
  struct Handlers {
    std::function<void(Connection&, int rc)> on_connect;
    std::function<void(Connection&, const mosquitto_message&)> on_message;
    std::function<void(Connection&, int mid, int reason_code)> on_publish;
    std::function<void(Connection&, int mid)> on_subscribe;
    // The first failure of this connection: CONNACK or SUBACK refusal, or a loss that was not
    // asked for (then alive() is false). error() says what.
    std::function<void(Connection&)> on_error;
  };

  static Result<std::unique_ptr<Connection>> Create(ConnectionConfig config, Handlers handlers);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Starts a connect. The socket (fd()) exists when this returns OK. Non-blocking, except with
  // a persistent session: libmosquitto 2.0.11 sends CONNECT properties (the session expiry)
  // only from its blocking connect, whose TCP handshake is immediate on loopback while the
  // broker's listen backlog has room. May be called again once the connection is closed (a
  // reconnect on the same client id); the caller then adds it to its EventLoop again.
  Status StartConnect(const std::string& host, int port);
  // Sends DISCONNECT (best effort; the EventLoop flushes it).
  void Disconnect();

  // Publishes at QoS 1; returns the message id, or a negative MOSQ_ERR_* code.
  int Publish(const std::string& topic, const std::string& payload, int qos = 1);
  // Subscribes at QoS 1; returns the message id, or a negative MOSQ_ERR_* code.
  int Subscribe(const std::string& filter, int qos = 1);

  // EventLoop entry points. Each returns false once the connection is lost (alive() false).
  bool HandleReadable();
  bool HandleWritable();
  void HandleMisc();
  bool WantWrite() const;

  int fd() const;
  bool alive() const { return alive_; }
  const std::string& error() const { return error_; }
  const ConnectionConfig& config() const { return config_; }
  int index() const { return config_.index; }
  const std::string& user() const { return config_.user; }
  const std::string& client_id() const { return client_id_; }

  // Connection state, set by the callbacks.
  int connack_rc = -1;           // -1 until CONNACK; then its reason code (0 = accepted)
  bool session_present = false;  // CONNACK's session present flag
  int64_t connect_start_ns = 0;  // steady clock at the last StartConnect
  int subscriptions = 0;         // SUBACKs received

 private:
  Connection(ConnectionConfig config, Handlers handlers);
  bool CheckRc(int rc, const char* what);
  void Fail(std::string what);

  static void OnConnect(mosquitto*, void* self, int rc, int flags, const mosquitto_property*);
  static void OnMessage(mosquitto*, void* self, const mosquitto_message* m,
                        const mosquitto_property*);
  static void OnPublish(mosquitto*, void* self, int mid, int reason, const mosquitto_property*);
  static void OnSubscribe(mosquitto*, void* self, int mid, int count, const int* granted,
                          const mosquitto_property*);
  static void OnDisconnect(mosquitto*, void* self, int rc, const mosquitto_property*);

  ConnectionConfig config_;
  Handlers handlers_;
  std::string client_id_;
  mosquitto* mosq_ = nullptr;
  bool alive_ = false;
  bool disconnecting_ = false;
  std::string error_;
};

}  // namespace mqchat::bench
