#include "connection.h"

#include <mqtt_protocol.h>

#include "event_loop.h"
#include "protocol/identity.h"

namespace mqchat::bench {

Result<std::unique_ptr<Connection>> Connection::Create(ConnectionConfig config, Handlers handlers) {
  std::unique_ptr<Connection> c(new Connection(std::move(config), std::move(handlers)));
  c->client_id_ = protocol::MakeClientId(c->config_.user, c->config_.device);
  c->mosq_ = mosquitto_new(c->client_id_.c_str(), c->config_.clean_start, c.get());
  if (c->mosq_ == nullptr) return Status::Internal("mosquitto_new failed");
  mosquitto_int_option(c->mosq_, MOSQ_OPT_PROTOCOL_VERSION, c->config_.protocol_version);
  mosquitto_int_option(c->mosq_, MOSQ_OPT_TCP_NODELAY, 1);
  if (c->config_.send_credentials) {
    int rc =
        mosquitto_username_pw_set(c->mosq_, c->config_.user.c_str(), c->config_.password.c_str());
    if (rc != MOSQ_ERR_SUCCESS) {
      return Status::Internal(std::string("mosquitto_username_pw_set: ") + mosquitto_strerror(rc));
    }
  }
  mosquitto_connect_v5_callback_set(c->mosq_, &Connection::OnConnect);
  mosquitto_message_v5_callback_set(c->mosq_, &Connection::OnMessage);
  mosquitto_publish_v5_callback_set(c->mosq_, &Connection::OnPublish);
  mosquitto_subscribe_v5_callback_set(c->mosq_, &Connection::OnSubscribe);
  mosquitto_disconnect_v5_callback_set(c->mosq_, &Connection::OnDisconnect);
  return c;
}

Connection::Connection(ConnectionConfig config, Handlers handlers)
    : config_(std::move(config)), handlers_(std::move(handlers)) {}

Connection::~Connection() {
  if (mosq_ != nullptr) mosquitto_destroy(mosq_);
}

Status Connection::StartConnect(const std::string& host, int port) {
  connack_rc = -1;
  session_present = false;
  connect_start_ns = NowNs();
  subscriptions = 0;
  disconnecting_ = false;
  int rc = MOSQ_ERR_SUCCESS;
  if (!config_.clean_start && config_.session_expiry_s > 0 &&
      config_.protocol_version == MQTT_PROTOCOL_V5) {
    mosquitto_property* props = nullptr;
    rc = mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                                      config_.session_expiry_s);
    if (rc == MOSQ_ERR_SUCCESS) {
      rc =
          mosquitto_connect_bind_v5(mosq_, host.c_str(), port, config_.keepalive_s, nullptr, props);
    }
    mosquitto_property_free_all(&props);
  } else {
    rc = mosquitto_connect_async(mosq_, host.c_str(), port, config_.keepalive_s);
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    return Status::Unavailable(client_id_ + ": connect to " + host + ":" + std::to_string(port) +
                               ": " + mosquitto_strerror(rc));
  }
  alive_ = true;
  return Status::Ok();
}

void Connection::Disconnect() {
  if (!alive_) return;
  disconnecting_ = true;
  mosquitto_disconnect(mosq_);
}

int Connection::Publish(const std::string& topic, const std::string& payload, int qos) {
  if (!alive_) return -MOSQ_ERR_NO_CONN;
  int mid = 0;
  int rc = mosquitto_publish_v5(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                                payload.data(), qos, false, nullptr);
  if (rc != MOSQ_ERR_SUCCESS) {
    CheckRc(rc, "publish");
    return -rc;
  }
  return mid;
}

int Connection::Subscribe(const std::string& filter, int qos) {
  if (!alive_) return -MOSQ_ERR_NO_CONN;
  int mid = 0;
  int rc = mosquitto_subscribe_v5(mosq_, &mid, filter.c_str(), qos, 0, nullptr);
  if (rc != MOSQ_ERR_SUCCESS) {
    CheckRc(rc, "subscribe");
    return -rc;
  }
  return mid;
}

bool Connection::CheckRc(int rc, const char* what) {
  if (rc == MOSQ_ERR_SUCCESS || !alive_) return alive_;
  alive_ = false;
  if (!disconnecting_) Fail(std::string(what) + ": " + mosquitto_strerror(rc));
  return false;
}

void Connection::Fail(std::string what) {
  if (!error_.empty()) return;
  error_ = client_id_ + ": " + what;
  if (handlers_.on_error) handlers_.on_error(*this);
}

bool Connection::HandleReadable() {
  if (!alive_) return false;
  return CheckRc(mosquitto_loop_read(mosq_, 1), "read");
}

bool Connection::HandleWritable() {
  if (!alive_) return false;
  return CheckRc(mosquitto_loop_write(mosq_, 1), "write");
}

void Connection::HandleMisc() {
  if (alive_) CheckRc(mosquitto_loop_misc(mosq_), "keepalive");
}

bool Connection::WantWrite() const { return alive_ && mosquitto_want_write(mosq_); }

int Connection::fd() const { return mosq_ == nullptr ? -1 : mosquitto_socket(mosq_); }

void Connection::OnConnect(mosquitto*, void* self, int rc, int flags, const mosquitto_property*) {
  auto* c = static_cast<Connection*>(self);
  c->connack_rc = rc;
  c->session_present = (flags & 1) != 0;
  if (rc != 0) c->Fail(std::string("CONNACK refused: ") + mosquitto_reason_string(rc));
  if (c->handlers_.on_connect) c->handlers_.on_connect(*c, rc);
}

void Connection::OnMessage(mosquitto*, void* self, const mosquitto_message* m,
                           const mosquitto_property*) {
  auto* c = static_cast<Connection*>(self);
  if (c->handlers_.on_message) c->handlers_.on_message(*c, *m);
}

void Connection::OnPublish(mosquitto*, void* self, int mid, int reason, const mosquitto_property*) {
  auto* c = static_cast<Connection*>(self);
  if (c->handlers_.on_publish) c->handlers_.on_publish(*c, mid, reason);
}

void Connection::OnSubscribe(mosquitto*, void* self, int mid, int count, const int* granted,
                             const mosquitto_property*) {
  auto* c = static_cast<Connection*>(self);
  for (int i = 0; i < count; ++i) {
    if (granted[i] >= 0x80) {
      c->Fail(std::string("subscription refused: ") + mosquitto_reason_string(granted[i]));
      return;
    }
  }
  ++c->subscriptions;
  if (c->handlers_.on_subscribe) c->handlers_.on_subscribe(*c, mid);
}

void Connection::OnDisconnect(mosquitto*, void* self, int rc, const mosquitto_property*) {
  auto* c = static_cast<Connection*>(self);
  c->alive_ = false;
  if (!c->disconnecting_) c->Fail(std::string("disconnected: ") + mosquitto_strerror(rc));
}

}  // namespace mqchat::bench
