#include "support/mqtt_test_client.h"

#include <dlfcn.h>
#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <exception>

#include <mqtt/async_client.h>

// Paho C 1.3.12 (Debian 12) serves every client of a process from one receive thread. Each round
// it waits in poll() for up to 1 s and, when nothing was ready, sleeps 100 ms more; a new client's
// socket only joins on the next round, so a Connect() made while another client was connected
// took ~2 s (eclipse/paho.mqtt.c#1458). The two definitions below interpose libc's poll() and
// usleep() for the whole test binary (the executable's symbols win over libc's) and cap both on
// Paho's receive thread only; Paho treats an early return as "nothing ready" and goes round
// again. Every other thread calls through unchanged.
// <poll.h> is not included: its fortified inline poll() would clash with this definition.
namespace {

constexpr int kPahoPollCapMs = 10;
constexpr useconds_t kPahoSleepCapUs = 5000;

bool OnPahoReceiveThread() {
  thread_local int cached = -1;  // Paho names the thread first thing, before any poll or sleep
  if (cached < 0) {
    char name[16] = {0};
    ::pthread_getname_np(::pthread_self(), name, sizeof(name));
    cached = std::strcmp(name, "MQTTAsync_rcv") == 0 ? 1 : 0;
  }
  return cached == 1;
}

template <typename Fn>
Fn RealFunction(const char* name) {
  return reinterpret_cast<Fn>(::dlsym(RTLD_NEXT, name));
}

}  // namespace

// Default visibility: the project builds with -fvisibility=hidden, and a hidden symbol would not
// be exported from the test executable, so libpaho would keep calling libc's.
#define MQCHAT_INTERPOSE extern "C" __attribute__((visibility("default")))
struct pollfd;
MQCHAT_INTERPOSE int poll(struct pollfd* fds, unsigned long nfds, int timeout) {
  using PollFn = int (*)(struct pollfd*, unsigned long, int);
  static const PollFn real_poll = RealFunction<PollFn>("poll");
  if ((timeout < 0 || timeout > kPahoPollCapMs) && OnPahoReceiveThread()) timeout = kPahoPollCapMs;
  return real_poll(fds, nfds, timeout);
}

MQCHAT_INTERPOSE int usleep(useconds_t usec) {
  using UsleepFn = int (*)(useconds_t);
  static const UsleepFn real_usleep = RealFunction<UsleepFn>("usleep");
  if (usec > kPahoSleepCapUs && OnPahoReceiveThread()) usec = kPahoSleepCapUs;
  return real_usleep(usec);
}
#undef MQCHAT_INTERPOSE

namespace mqchat::test {
namespace {

// Destroying the process's last Paho client stops Paho's threads, sleeping in 100 ms steps on the
// calling thread (MQTTAsync_stop): ~100 ms per test. One idle, never-connected client, leaked on
// purpose, keeps them running for the life of the test binary.
void KeepPahoThreadsRunning() {
  static mqtt::async_client* const idle = new mqtt::async_client(
      "tcp://127.0.0.1:1", "mqchat-test-idle", mqtt::create_options(MQTTVERSION_5));
  (void)idle;
}

std::string GenerateClientId() {
  static std::atomic<int> counter{0};
  return "mqtt-test-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

// Paho reports a server's refusal as an exception carrying the reason code (for v3.1.1 the
// return code, via get_reason_code()); local failures carry only a negative C return code.
int CodeOf(const mqtt::exception& e) {
  int reason = e.get_reason_code();
  if (reason > 0 && reason != mqtt::MQTTPP_V3_CODE) return reason;
  int rc = e.get_return_code();
  return rc != 0 ? rc : -1;
}

std::optional<std::string> StringProp(const mqtt::properties& props, mqtt::property::code id) {
  if (!props.contains(id)) return std::nullopt;
  return mqtt::get<std::string>(props, id);
}

ReceivedMessage Convert(const mqtt::message& m) {
  ReceivedMessage r;
  r.topic = m.get_topic();
  r.payload = m.get_payload_str();
  r.qos = m.get_qos();
  r.retained = m.is_retained();
  r.duplicate = m.is_duplicate();
  const mqtt::properties& props = m.get_properties();
  r.response_topic = StringProp(props, mqtt::property::RESPONSE_TOPIC);
  r.correlation_data = StringProp(props, mqtt::property::CORRELATION_DATA);
  if (props.contains(mqtt::property::PAYLOAD_FORMAT_INDICATOR)) {
    r.payload_format_indicator =
        mqtt::get<uint8_t>(props, mqtt::property::PAYLOAD_FORMAT_INDICATOR);
  }
  const size_t n = props.count(mqtt::property::USER_PROPERTY);
  for (size_t i = 0; i < n; ++i) {
    auto pair = mqtt::get<mqtt::string_pair>(props, mqtt::property::USER_PROPERTY, i);
    r.user_properties.emplace_back(std::get<0>(pair), std::get<1>(pair));
  }
  return r;
}

mqtt::properties ToProperties(const PublishProps& p) {
  mqtt::properties props;
  if (p.response_topic) props.add({mqtt::property::RESPONSE_TOPIC, *p.response_topic});
  if (p.correlation_data) props.add({mqtt::property::CORRELATION_DATA, *p.correlation_data});
  if (p.payload_format_indicator) {
    props.add({mqtt::property::PAYLOAD_FORMAT_INDICATOR, *p.payload_format_indicator});
  }
  if (p.message_expiry_s) {
    props.add({mqtt::property::MESSAGE_EXPIRY_INTERVAL, static_cast<int32_t>(*p.message_expiry_s)});
  }
  for (const auto& [name, value] : p.user_properties) {
    props.add({mqtt::property::USER_PROPERTY, name, value});
  }
  return props;
}

}  // namespace

bool TopicMatches(const std::string& filter, const std::string& topic) {
  auto split = [](const std::string& s) {
    std::vector<std::string> levels;
    size_t start = 0;
    while (true) {
      size_t slash = s.find('/', start);
      levels.push_back(s.substr(start, slash == std::string::npos ? slash : slash - start));
      if (slash == std::string::npos) return levels;
      start = slash + 1;
    }
  };
  const auto f = split(filter);
  const auto t = split(topic);
  for (size_t i = 0; i < f.size(); ++i) {
    if (f[i] == "#") return true;  // also matches the parent level: "a/#" matches "a"
    if (i >= t.size()) return false;
    if (f[i] != "+" && f[i] != t[i]) return false;
  }
  return f.size() == t.size();
}

MqttTestClient::MqttTestClient() = default;

MqttTestClient::~MqttTestClient() { ResetClient(); }

void MqttTestClient::SetError(std::string error) const {
  MutexLock lock(mu_);
  last_error_ = std::move(error);
}

std::string MqttTestClient::last_error() const {
  MutexLock lock(mu_);
  return last_error_;
}

void MqttTestClient::ResetClient() {
  if (!client_) return;
  try {
    if (client_->is_connected()) client_->disconnect(0)->wait_for(timeout_);
  } catch (const std::exception&) {
    // Already gone; destroying the client is all that is left.
  }
  client_.reset();
  OnConnectionGone(std::nullopt);
}

void MqttTestClient::OnMessage(ReceivedMessage message) {
  {
    MutexLock lock(mu_);
    queue_.push_back(std::move(message));
  }
  cv_.NotifyAll();
}

void MqttTestClient::OnConnectionGone(std::optional<int> server_reason) {
  {
    MutexLock lock(mu_);
    disconnected_ = true;
    if (server_reason) server_reason_ = server_reason;
  }
  cv_.NotifyAll();
}

int MqttTestClient::Connect(const ConnectOptions& o) {
  ResetClient();
  timeout_ = o.timeout;
  mqtt_version_ = o.mqtt_version;
  client_id_ = o.client_id.empty() ? GenerateClientId() : o.client_id;
  {
    MutexLock lock(mu_);
    server_reason_.reset();
    last_error_.clear();
    disconnected_ = false;  // before CONNECT: the server may drop us right after CONNACK
  }
  const bool v5 = o.mqtt_version >= 5;
  const int version = v5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1;
  const std::string uri = std::string(o.websockets ? "ws://" : "tcp://") + o.host + ":" +
                          std::to_string(o.port);
  try {
    KeepPahoThreadsRunning();
    client_ = std::make_unique<mqtt::async_client>(uri, client_id_, mqtt::create_options(version));
    // Paho's thread runs these; nothing may throw out of them.
    client_->set_message_callback([this](mqtt::const_message_ptr m) {
      try {
        OnMessage(Convert(*m));
      } catch (const std::exception& e) {
        SetError(std::string("cannot convert received message: ") + e.what());
      }
    });
    client_->set_connection_lost_handler(
        [this](const std::string&) { OnConnectionGone(std::nullopt); });
    client_->set_disconnected_handler([this](const mqtt::properties&, mqtt::ReasonCode reason) {
      OnConnectionGone(static_cast<int>(reason));
    });

    mqtt::connect_options_builder b;
    b.mqtt_version(version)
        .keep_alive_interval(std::chrono::seconds(o.keepalive_s))
        .connect_timeout(std::chrono::duration_cast<std::chrono::seconds>(o.timeout) +
                         std::chrono::seconds(1))
        .automatic_reconnect(false);
    if (v5) {
      b.clean_start(o.clean_start);
      if (o.session_expiry_s) {
        b.properties({{mqtt::property::SESSION_EXPIRY_INTERVAL,
                       static_cast<int32_t>(*o.session_expiry_s)}});
      }
    } else {
      b.clean_session(o.clean_start);
    }
    if (o.username) b.user_name(*o.username);
    if (o.password) b.password(mqtt::binary_ref(*o.password));
    if (o.will) {
      b.will(mqtt::will_options(o.will->topic, o.will->payload, o.will->qos, o.will->retain));
    }
    auto token = client_->connect(b.finalize());
    if (!token->wait_for(o.timeout)) {
      SetError("CONNECT to " + uri + " timed out");
      OnConnectionGone(std::nullopt);
      return kTimedOut;
    }
    return 0;
  } catch (const mqtt::exception& e) {
    SetError(e.what());
    OnConnectionGone(std::nullopt);
    return CodeOf(e);
  } catch (const std::exception& e) {
    SetError(e.what());
    OnConnectionGone(std::nullopt);
    return -1;
  }
}

int MqttTestClient::Subscribe(const std::string& filter, int qos) {
  if (!client_) return kNotConnected;
  try {
    auto token = client_->subscribe(filter, qos);
    if (!token->wait_for(timeout_)) {
      SetError("SUBSCRIBE " + filter + " timed out");
      return kTimedOut;
    }
    const auto codes = token->get_subscribe_response().get_reason_codes();
    return codes.empty() ? 0 : static_cast<int>(codes[0]);
  } catch (const mqtt::exception& e) {
    SetError(e.what());
    return CodeOf(e);
  } catch (const std::exception& e) {
    SetError(e.what());
    return -1;
  }
}

int MqttTestClient::Unsubscribe(const std::string& filter) {
  if (!client_) return kNotConnected;
  try {
    auto token = client_->unsubscribe(filter);
    if (!token->wait_for(timeout_)) {
      SetError("UNSUBSCRIBE " + filter + " timed out");
      return kTimedOut;
    }
    const auto codes = token->get_unsubscribe_response().get_reason_codes();
    return codes.empty() ? 0 : static_cast<int>(codes[0]);
  } catch (const mqtt::exception& e) {
    SetError(e.what());
    return CodeOf(e);
  } catch (const std::exception& e) {
    SetError(e.what());
    return -1;
  }
}

int MqttTestClient::Publish(const std::string& topic, const std::string& payload, int qos,
                            bool retain, const PublishProps& props) {
  if (!client_) return kNotConnected;
  try {
    auto message = mqtt::message::create(topic, payload.data(), payload.size(), qos, retain);
    if (mqtt_version_ >= 5) message->set_properties(ToProperties(props));
    auto token = client_->publish(message);
    if (!token->wait_for(timeout_)) {
      SetError("PUBLISH " + topic + " timed out");
      return kTimedOut;
    }
    return mqtt_version_ >= 5 ? static_cast<int>(token->get_reason_code()) : 0;
  } catch (const mqtt::exception& e) {
    // Paho throws for every PUBACK reason code above 2, including 0x10 "no matching subscribers".
    SetError(e.what());
    return CodeOf(e);
  } catch (const std::exception& e) {
    SetError(e.what());
    return -1;
  }
}

void MqttTestClient::Disconnect(int reason_code) {
  if (!client_) return;
  try {
    if (client_->is_connected()) {
      mqtt::disconnect_options opts;
      if (mqtt_version_ >= 5) opts.set_reason_code(static_cast<mqtt::ReasonCode>(reason_code));
      client_->disconnect(opts)->wait_for(timeout_);
    }
  } catch (const std::exception& e) {
    SetError(e.what());
  }
  OnConnectionGone(std::nullopt);
}

bool MqttTestClient::IsConnected() const {
  try {
    return client_ && client_->is_connected();
  } catch (const std::exception&) {
    return false;
  }
}

std::optional<ReceivedMessage> MqttTestClient::WaitMessage(std::chrono::milliseconds timeout,
                                                           const std::string& topic_filter) {
  MutexLock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool waiting = true;
  while (true) {
    if (auto found = TakeMatching(topic_filter)) return found;
    if (!waiting) return std::nullopt;  // looked once more after the deadline
    waiting = cv_.WaitUntil(mu_, deadline);
  }
}

std::optional<ReceivedMessage> MqttTestClient::TakeMatching(const std::string& topic_filter) {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (topic_filter.empty() || TopicMatches(topic_filter, it->topic)) {
      ReceivedMessage found = std::move(*it);
      queue_.erase(it);
      return found;
    }
  }
  return std::nullopt;
}

std::vector<ReceivedMessage> MqttTestClient::Drain() {
  MutexLock lock(mu_);
  std::vector<ReceivedMessage> out(std::make_move_iterator(queue_.begin()),
                                   std::make_move_iterator(queue_.end()));
  queue_.clear();
  return out;
}

size_t MqttTestClient::QueuedCount() const {
  MutexLock lock(mu_);
  return queue_.size();
}

bool MqttTestClient::WaitDisconnected(std::chrono::milliseconds timeout) {
  MutexLock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!disconnected_) {
    if (!cv_.WaitUntil(mu_, deadline)) return disconnected_;
  }
  return true;
}

std::optional<int> MqttTestClient::server_disconnect_reason() const {
  MutexLock lock(mu_);
  return server_reason_;
}

}  // namespace mqchat::test
