#include "mqtt_link.h"

#include <mqtt/async_client.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <vector>

namespace mqchat::sdk {
namespace {

std::string Hex(int code) {
  static const char* kDigits = "0123456789abcdef";
  std::string out = "0x";
  out += kDigits[(code >> 4) & 0xf];
  out += kDigits[code & 0xf];
  return out;
}

// A refused or failed CONNECT. Refusals that a retry with the same settings cannot fix are not
// kUnavailable, so the engine stops instead of hammering the server.
Status ConnectFailure(const mqtt::token& tok) {
  int reason = static_cast<int>(tok.get_reason_code());
  // Paho C 1.3 reports a refusing CONNACK's reason code as the (positive) return code.
  if (reason == 0 && tok.get_return_code() >= 0x80) reason = tok.get_return_code();
  const std::string detail = "CONNECT failed (reason " + Hex(reason) + ", rc " +
                             std::to_string(tok.get_return_code()) + ")";
  switch (reason) {
    case mqtt::BAD_USER_NAME_OR_PASSWORD:
    case mqtt::NOT_AUTHORIZED:
    case mqtt::BAD_AUTHENTICATION_METHOD:
      return Status::Unauthenticated(detail + ": the server refused the credentials");
    case mqtt::BANNED:
      return Status::PermissionDenied(detail + ": banned");
    case mqtt::CLIENT_IDENTIFIER_NOT_VALID:
    case mqtt::UNSUPPORTED_PROTOCOL_VERSION:
      return Status::FailedPrecondition(detail);
    default:
      return Status::Unavailable(detail);
  }
}

bool IsTlsUri(const std::string& uri) {
  for (const char* scheme : {"ssl://", "mqtts://", "wss://"}) {
    if (uri.rfind(scheme, 0) == 0) return true;
  }
  return false;
}

// The server is always verified: its chain against `ca_file` (or the system's trust store)
// and, after the handshake, that its certificate names the host connected to.
mqtt::ssl_options TlsOptions(const std::string& ca_file) {
  mqtt::ssl_options_builder tls;
  tls.enable_server_cert_auth(true).verify(true);
  if (!ca_file.empty()) tls.trust_store(ca_file);
  return tls.finalize();
}

class Listener : public mqtt::iaction_listener {
 public:
  using Fn = std::function<void(bool ok, const mqtt::token& tok)>;
  explicit Listener(Fn fn) : fn_(std::move(fn)) {}
  void on_success(const mqtt::token& tok) override { fn_(true, tok); }
  void on_failure(const mqtt::token& tok) override { fn_(false, tok); }

 private:
  Fn fn_;
};

int64_t SteadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct MqttLink::State {
  LinkOptions options;
  LinkEvents events;
  std::atomic<bool> lost_reported{false};
  // A CONNECT was handed to Paho and its outcome has not been reported yet.
  std::atomic<bool> connect_outstanding{false};
  // When a Paho callback of this link last returned (steady clock, ns); 0: never.
  std::atomic<int64_t> last_callback_ns{0};
  bool disconnect_sent = false;  // engine thread
  std::unique_ptr<Listener> connect_listener;
  // One per SUBSCRIBE; heap objects, so appending never moves one Paho may be calling.
  std::vector<std::unique_ptr<Listener>> subscribe_listeners;
  // Declared last: destroyed first, so no Paho callback sees a dead member.
  std::unique_ptr<mqtt::async_client> client;

  void ReportLost(Status s) {
    if (!lost_reported.exchange(true)) events.on_lost(std::move(s));
  }
  void Touch() { last_callback_ns = SteadyNowNs(); }
  // The CONNECT's outcome, on a Paho thread.
  void OnConnectOutcome(bool ok, const mqtt::token& tok);
};

void MqttLink::State::OnConnectOutcome(bool ok, const mqtt::token& tok) {
  // Paho is done with the CONNECT once it calls back; touched first, so the grace period of
  // Quiescent() also covers the rest of this callback.
  Touch();
  connect_outstanding = false;
  if (!ok) {
    events.on_connect(ConnectFailure(tok), 0);
    return Touch();
  }
  // Paho holds publishes beyond the server's Receive Maximum back and sends them up to a second
  // later; the engine keeps its window below it instead.
  int receive_maximum = 65535;
  try {
    const mqtt::connect_response response = tok.get_connect_response();
    const mqtt::properties& props = response.get_properties();
    if (props.contains(mqtt::property::RECEIVE_MAXIMUM)) {
      receive_maximum = mqtt::get<uint16_t>(props, mqtt::property::RECEIVE_MAXIMUM);
    }
  } catch (const std::exception&) {
    // No CONNACK properties: the MQTT 5 default applies.
  }
  events.on_connect(Status::Ok(), receive_maximum);
  Touch();
}

Result<std::unique_ptr<MqttLink>> MqttLink::Create(const LinkOptions& options, LinkEvents events) {
  auto state = std::make_unique<State>();
  state->options = options;
  state->events = std::move(events);
  State* s = state.get();
  try {
    // No Paho persistence: the SDK's outbox is the durable copy of what is unsent.
    s->client = std::make_unique<mqtt::async_client>(options.server_uri, options.client_id,
                                                     mqtt::create_options(MQTTVERSION_5));
    s->client->set_message_callback([s](mqtt::const_message_ptr m) {
      try {
        s->events.on_message(m->get_topic(), m->get_payload_str());
      } catch (const std::exception&) {
        // Out of memory while copying: the message is lost here; sync fetches it later.
      }
      s->Touch();
    });
    s->client->set_connection_lost_handler([s](const std::string& cause) {
      s->ReportLost(Status::Unavailable("connection lost" + (cause.empty() ? "" : ": " + cause)));
      s->Touch();
    });
    s->client->set_disconnected_handler([s](const mqtt::properties&, mqtt::ReasonCode reason) {
      const std::string what = "server sent DISCONNECT (reason " + Hex(reason) + ")";
      if (reason == mqtt::SESSION_TAKEN_OVER) {
        s->ReportLost(Status::FailedPrecondition(
            what + ": another connection with this client id took the session over"));
      } else {
        s->ReportLost(Status::Unavailable(what));
      }
      s->Touch();
    });
    s->connect_listener = std::make_unique<Listener>(
        [s](bool ok, const mqtt::token& tok) { s->OnConnectOutcome(ok, tok); });
  } catch (const mqtt::exception& e) {
    return Status::InvalidArgument(std::string("creating the MQTT client: ") + e.what());
  } catch (const std::exception& e) {
    return Status::Internal(std::string("creating the MQTT client: ") + e.what());
  }
  return std::unique_ptr<MqttLink>(new MqttLink(std::move(state)));
}

MqttLink::MqttLink(std::unique_ptr<State> state) : state_(std::move(state)) {}

MqttLink::~MqttLink() {
  if (!state_ || !state_->client) return;
  try {
    if (state_->client->is_connected()) {
      state_->client->disconnect(std::chrono::milliseconds(0));
    }
  } catch (const std::exception&) {
    // Already gone; destroying the client is all that is left.
  }
  state_->client.reset();
}

void MqttLink::Connect() {
  const LinkOptions& o = state_->options;
  try {
    const auto timeout =
        std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::seconds>(
                                 o.connect_timeout + std::chrono::milliseconds(999))
                                 .count());
    mqtt::connect_options_builder b;
    b.mqtt_version(MQTTVERSION_5)
        .keep_alive_interval(o.keepalive)
        .connect_timeout(std::chrono::seconds(timeout))
        .automatic_reconnect(false)
        .clean_start(o.clean_start)
        .user_name(o.username)
        .password(mqtt::binary_ref(o.password));
    if (o.session_expiry_s > 0) {
      b.properties({{mqtt::property::SESSION_EXPIRY_INTERVAL,
                     static_cast<int32_t>(std::min<uint32_t>(o.session_expiry_s, INT32_MAX))}});
    }
    if (!o.will_topic.empty()) {
      b.will(mqtt::will_options(o.will_topic, o.will_payload, 1, false));
    }
    if (IsTlsUri(o.server_uri)) b.ssl(TlsOptions(o.ca_file));
    state_->connect_outstanding = true;
    state_->client->connect(b.finalize(), nullptr, *state_->connect_listener);
  } catch (const mqtt::exception& e) {
    state_->connect_outstanding = false;
    state_->events.on_connect(Status::Unavailable(std::string("CONNECT: ") + e.what()), 0);
  } catch (const std::exception& e) {
    state_->connect_outstanding = false;
    state_->events.on_connect(Status::Unavailable(std::string("CONNECT: ") + e.what()), 0);
  }
}

void MqttLink::Subscribe(const std::string& filter, std::function<void(Status)> done) {
  State* s = state_.get();
  auto listener = std::make_unique<Listener>([done, s](bool ok, const mqtt::token& tok) {
    Status st;
    if (!ok) {
      const int reason = static_cast<int>(tok.get_reason_code());
      st = reason >= 0x80
               ? Status::PermissionDenied("SUBSCRIBE refused (reason " + Hex(reason) + ")")
               : Status::Unavailable("SUBSCRIBE failed (rc " +
                                     std::to_string(tok.get_return_code()) + ")");
    } else {
      try {
        const mqtt::subscribe_response response = tok.get_subscribe_response();
        for (auto code : response.get_reason_codes()) {
          if (code >= 0x80) {
            st = Status::PermissionDenied("SUBSCRIBE refused (reason " + Hex(code) + ")");
          }
        }
      } catch (const std::exception&) {
        // No per-filter codes available: success is all Paho reported.
      }
    }
    done(std::move(st));
    s->Touch();
  });
  Listener* raw = listener.get();
  state_->subscribe_listeners.push_back(std::move(listener));
  try {
    state_->client->subscribe(filter, 1, nullptr, *raw);
  } catch (const std::exception& e) {
    done(Status::Unavailable(std::string("SUBSCRIBE: ") + e.what()));
  }
}

void MqttLink::Unsubscribe(const std::string& filter, std::function<void(Status)> done) {
  State* s = state_.get();
  auto listener = std::make_unique<Listener>([done, s](bool ok, const mqtt::token& tok) {
    done(ok ? Status::Ok()
            : Status::Unavailable("UNSUBSCRIBE failed (rc " +
                                  std::to_string(tok.get_return_code()) + ")"));
    s->Touch();
  });
  Listener* raw = listener.get();
  state_->subscribe_listeners.push_back(std::move(listener));  // kept as SUBSCRIBE's are
  try {
    state_->client->unsubscribe(filter, nullptr, *raw);
  } catch (const std::exception& e) {
    done(Status::Unavailable(std::string("UNSUBSCRIBE: ") + e.what()));
  }
}

Status MqttLink::Publish(const std::string& topic, const std::string& payload) {
  try {
    if (!state_->client->is_connected()) return Status::Unavailable("not connected");
    auto msg = mqtt::message::create(topic, payload.data(), payload.size(), 1, false);
    state_->client->publish(msg);
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::Unavailable(std::string("PUBLISH: ") + e.what());
  }
}

void MqttLink::Disconnect(std::chrono::milliseconds timeout) {
  try {
    if (state_->client->is_connected()) {
      state_->lost_reported = true;  // our own doing; not a loss to report
      state_->disconnect_sent = true;
      state_->client->disconnect()->wait_for(timeout);
    }
  } catch (const std::exception&) {
    // Gone already.
  }
}

void MqttLink::BeginDisconnect() {
  if (state_->disconnect_sent) return;
  try {
    if (state_->client->is_connected()) {
      state_->lost_reported = true;  // our own doing; not a loss to report
      state_->disconnect_sent = true;
      state_->client->disconnect();  // completion shows as !is_connected()
    }
  } catch (const std::exception&) {
    // Gone already.
  }
}

bool MqttLink::IsConnected() const {
  try {
    return state_->client->is_connected();
  } catch (const std::exception&) {
    return false;
  }
}

bool MqttLink::Quiescent(std::chrono::milliseconds grace) const {
  if (state_->connect_outstanding || IsConnected()) return false;
  const int64_t last = state_->last_callback_ns;
  return last == 0 || SteadyNowNs() - last >=
                          std::chrono::duration_cast<std::chrono::nanoseconds>(grace).count();
}

}  // namespace mqchat::sdk
