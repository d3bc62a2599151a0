// Storm set-up: the devices' first login, then the missed messages, sent while they are offline.
#include <algorithm>

#include "protocol/fields.h"
#include "protocol/json_util.h"
#include "protocol/topics.h"
#include "protocol/wire.h"
#include "storm.h"

namespace mqchat::bench {
namespace {

constexpr char kDevice[] = "bench";
constexpr int kSenders = 8;
constexpr uint32_t kSessionExpiryS = 3600;
constexpr int64_t kRetryBackoffNs = 10000000;     // resend OVERLOADED/UNAVAILABLE: 10 ms
constexpr int64_t kNotFoundBackoffNs = 50000000;  // open_direct NOT_FOUND: 50 ms
// The plugin records a token user at its first login on the store's writer, and drops that when
// the writer's queue is full (a login burst): such a user stays unknown until it logs in again.
constexpr int64_t kReloginAfterNs = 2000000000;

std::string_view PayloadOf(const mosquitto_message& m) {
  return std::string_view(static_cast<const char*>(m.payload), static_cast<size_t>(m.payloadlen));
}

// Request ids: "o<device>" opens the device's conversation, "m<device>.<k>" sends message k.
std::string ReqId(int device, int k) {
  return k == 0 ? "o" + std::to_string(device)
                : "m" + std::to_string(device) + "." + std::to_string(k);
}

bool ParseReqId(const std::string& id, int* device, int* k) {
  if (id.size() < 2 || (id[0] != 'o' && id[0] != 'm')) return false;
  char* end = nullptr;
  *device = static_cast<int>(std::strtol(id.c_str() + 1, &end, 10));
  *k = 0;
  if (id[0] == 'm') {
    if (*end != '.') return false;
    *k = static_cast<int>(std::strtol(end + 1, &end, 10));
  }
  return *end == '\0';
}

}  // namespace

Storm::Storm(const Options& options, Fleet& fleet)
    : options_(options), fleet_(fleet), chat_(options.scenario == Scenario::kStorm) {
  text_.resize(static_cast<size_t>(options.payload_bytes));
  for (size_t i = 0; i < text_.size(); ++i) text_[i] = static_cast<char>('a' + i % 26);
}

Status Storm::Setup() {
  MQCHAT_RETURN_IF_ERROR(AddConnections());
  // Each device logs in once (so its user exists and, unless --clean-session, its session
  // holds the subscription), then leaves.
  const std::vector<Connection*> devices = DeviceConnections();
  const double timeout_s = 60 + devices.size() / 100.0;
  MQCHAT_RETURN_IF_ERROR(fleet_.ConnectAll(devices, timeout_s));
  MQCHAT_RETURN_IF_ERROR(fleet_.SubscribeAll(
      devices,
      [this](const Connection& c) {
        return chat_ ? protocol::UserPrefix(c.user()) + "#" : protocol::InboxTopic(c.user());
      },
      timeout_s));
  fleet_.DisconnectAll(devices);
  for (Connection* c : devices) {
    if (c->alive()) return Status::Unavailable(c->client_id() + ": still connected");
  }
  return FillConversations();
}

std::vector<Connection*> Storm::DeviceConnections() const {
  std::vector<Connection*> out;
  out.reserve(devices_.size());
  for (const Device& d : devices_) out.push_back(d.conn);
  return out;
}

Status Storm::AddConnections() {
  const Options& o = options_;
  for (int i = 0; i < o.devices; ++i) {
    MQCHAT_ASSIGN_OR_RETURN(auto config,
                            fleet_.Config(o.prefix + "u" + std::to_string(i), kDevice, chat_));
    const bool persistent = !(chat_ && o.clean_session);
    config.clean_start = !persistent;
    config.session_expiry_s = persistent ? kSessionExpiryS : 0;
    Connection::Handlers h;
    h.on_connect = [this](Connection& c, int rc) { OnDeviceConnect(c, rc); };
    h.on_subscribe = [this](Connection& c, int) { OnDeviceSubscribed(c); };
    h.on_message = [this](Connection& c, const mosquitto_message& m) { OnDeviceMessage(c, m); };
    MQCHAT_ASSIGN_OR_RETURN(Connection * conn, fleet_.Add(std::move(config), std::move(h)));
    Device d;
    d.conn = conn;
    d.conversation_id = chat_ ? 0 : i + 1;
    d.held.assign(static_cast<size_t>(o.missed), 0);
    devices_.push_back(std::move(d));
  }
  const int n_senders = std::min(kSenders, o.devices);
  for (int j = 0; j < n_senders; ++j) {
    MQCHAT_ASSIGN_OR_RETURN(auto config,
                            fleet_.Config(o.prefix + "s" + std::to_string(j), kDevice, chat_));
    Connection::Handlers h;
    h.on_message = [this](Connection& c, const mosquitto_message& m) { OnSenderMessage(c, m); };
    h.on_publish = [this](Connection& c, int mid, int rc) { OnSenderPuback(c, mid, rc); };
    MQCHAT_ASSIGN_OR_RETURN(Connection * conn, fleet_.Add(std::move(config), std::move(h)));
    Sender s;
    s.conn = conn;
    senders_.push_back(std::move(s));
  }
  // Sender j serves devices j, j + S, ...: first every conversation, then the messages.
  for (int i = 0; i < o.devices; ++i) {
    Sender& s = senders_[i % n_senders];
    if (chat_) {
      s.jobs.push_back({i, 0});
    } else {
      for (int k = 1; k <= o.missed; ++k) s.jobs.push_back({i, k});
    }
  }
  return Status::Ok();
}

Status Storm::FillConversations() {
  std::vector<Connection*> conns;
  for (const Sender& s : senders_) conns.push_back(s.conn);
  MQCHAT_RETURN_IF_ERROR(fleet_.ConnectAll(conns, 60));
  if (chat_) {
    // Responses only: the senders' own inbox copies would just cost time.
    MQCHAT_RETURN_IF_ERROR(fleet_.SubscribeAll(
        conns,
        [](const Connection& c) { return protocol::ReplyTopic(c.user(), c.config().device); }, 60));
  }
  const int64_t total = static_cast<int64_t>(options_.devices) * options_.missed;
  MQCHAT_RETURN_IF_ERROR(fleet_.Pump("send the missed messages", 120 + total / 500.0, [&] {
    for (Sender& s : senders_) SendJobs(s);
    return acked_ == total;
  }));
  fleet_.DisconnectAll(conns);
  return Status::Ok();
}

void Storm::SendJobs(Sender& s) {
  const int64_t now = NowNs();
  for (auto it = s.retries.begin(); it != s.retries.end();) {
    if (it->first > now) {
      ++it;
      continue;
    }
    s.jobs.push_front(it->second);
    it = s.retries.erase(it);
  }
  while (s.in_flight < options_.window && !s.jobs.empty()) {
    const Job job = s.jobs.front();
    s.jobs.pop_front();
    if (!SendJob(s, job)) return;
    ++s.in_flight;
  }
}

bool Storm::SendJob(Sender& s, const Job& job) {
  const Device& d = devices_[job.device];
  int mid = 0;
  if (chat_) {
    protocol::Request r;
    r.req_id = ReqId(job.device, job.k);
    if (job.k == 0) {
      r.op = protocol::Op::kOpenDirect;
      r.body = protocol::OpenDirectRequest{d.conn->user()};
    } else {
      r.op = protocol::Op::kSend;
      r.conversation_id = d.conversation_id;
      r.body = protocol::SendRequest{r.req_id, text_};
    }
    mid = SendRequest(*s.conn, r);
  } else {
    protocol::WireMessage m;
    m.conversation_id = d.conversation_id;
    m.seq = job.k;
    m.message_id = static_cast<int64_t>(job.device) * options_.missed + job.k;
    m.sender = s.conn->user();
    m.client_msg_id = ReqId(job.device, job.k);
    m.text = text_;
    mid = s.conn->Publish(protocol::InboxTopic(d.conn->user()), protocol::MessageEvent(m), 1);
    if (mid >= 0) s.by_mid[mid] = job;
  }
  if (mid < 0) fleet_.RecordError(s.conn->client_id() + ": publish failed");
  return mid >= 0;
}

void Storm::OnNotFound(Device& d) {
  const int64_t now = NowNs();
  if (d.not_found_since_ns == 0) d.not_found_since_ns = now;
  if (now - d.not_found_since_ns < kReloginAfterNs || d.relogin) return;
  d.relogin = true;  // OnDeviceConnect leaves at once
  d.not_found_since_ns = now;
  ++relogins_;
  fleet_.QueueConnect(d.conn);
}

void Storm::OnSenderPuback(Connection& c, int mid, int reason_code) {
  if (chat_) return;  // requests are answered by their JSON response
  Sender& s = senders_[c.index() - devices_.size()];
  auto it = s.by_mid.find(mid);
  if (it == s.by_mid.end()) return;
  s.by_mid.erase(it);
  --s.in_flight;
  if (reason_code >= 0x80) {
    fleet_.RecordError(c.client_id() + ": PUBACK " + mosquitto_reason_string(reason_code));
    return;
  }
  ++acked_;
}

void Storm::OnSenderMessage(Connection& c, const mosquitto_message& m) {
  Sender& s = senders_[c.index() - devices_.size()];
  auto response = protocol::DecodeResponse(PayloadOf(m));
  int device = 0, k = 0;
  if (!response.ok() || !ParseReqId(response->req_id, &device, &k) || device < 0 ||
      device >= static_cast<int>(devices_.size()) || k < 0 || k > options_.missed) {
    fleet_.RecordError(c.client_id() + ": unexpected response on " + m.topic);
    return;
  }
  --s.in_flight;
  Device& d = devices_[device];
  if (response->ok) {
    if (k > 0) {
      ++acked_;
      return;
    }
    const nlohmann::json* conv =
        protocol::FindField(response->body, protocol::fields::kConversation);
    auto decoded = conv ? protocol::DecodeConversation(*conv)
                        : Result<protocol::WireConversation>(Status::InvalidArgument("none"));
    if (!decoded.ok()) {
      fleet_.RecordError(c.client_id() + ": open_direct: " + decoded.status().ToString());
      return;
    }
    d.conversation_id = decoded->conversation_id;
    for (int j = 1; j <= options_.missed; ++j) s.jobs.push_back({device, j});
    return;
  }
  const auto code = response->error->code;
  if (protocol::IsRetryable(code)) {
    s.retries.push_back({NowNs() + kRetryBackoffNs, Job{device, k}});
    return;
  }
  // NOT_FOUND on open_direct: the device's user is not recorded yet.
  if (k == 0 && code == protocol::ErrorCode::kNotFound) {
    OnNotFound(d);
    s.retries.push_back({NowNs() + kNotFoundBackoffNs, Job{device, k}});
    return;
  }
  fleet_.RecordError(c.client_id() + ": " + response->op + ": " +
                     std::string(protocol::ErrorCodeName(code)) + ": " + response->error->message);
}

}  // namespace mqchat::bench
