// channel: one text channel of a large server (issue 18's benchmark). The owner
// (<prefix>owner/bench) creates a server; --bulk-members then runs a shell command that adds
// --members members <prefix>m0 .. <prefix>m<M-1> straight into the store (as an operator's bulk
// import would: joining 100,000 members one invite at a time is not what is measured), with
// MQCHAT_BENCH_SERVER_ID, MQCHAT_BENCH_PREFIX and MQCHAT_BENCH_MEMBERS in its environment.
// Then --online of those members connect (JWT login), list their servers (`servers`, as the
// protocol asks before a channel subscription) and subscribe to mqchat/v1/ch/<channel>.
//
// Traffic: the owner sends into the channel at --rate for --duration (send requests, QoS 1),
// message k with client_msg_id "c<k>". Every online device must receive every acked message once
// on the channel topic. Figures: send->ack and send->deliver latency, deliveries/s, broker CPU per
// message and per delivery, broker RSS.
//
// Role change: the owner then edits the @everyone role's permissions (takes create_invite away,
// then gives it back) and, after each edit, sends one message: the edit's round trip, and the
// time from the edit to that message reaching every online device (the brokers reload what the
// online members may see), with the broker CPU the two edits cost.
#include <sys/resource.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "broker_probe.h"
#include "fd_budget.h"
#include "fleet.h"
#include "protocol/community.h"
#include "protocol/fields.h"
#include "protocol/requests.h"
#include "protocol/topics.h"
#include "protocol/wire.h"
#include "scenarios.h"

namespace mqchat::bench {
namespace {

constexpr char kDevice[] = "bench";
constexpr double kSetupTimeoutS = 120;
constexpr int64_t kViewSendInvite = 1 | 2 | 128;  // the @everyone flags of a new server
constexpr int64_t kViewSend = 1 | 2;

std::string_view PayloadOf(const mosquitto_message& m) {
  return std::string_view(static_cast<const char*>(m.payload), static_cast<size_t>(m.payloadlen));
}

double Seconds(int64_t from_ns, int64_t to_ns) { return (to_ns - from_ns) / 1e9; }

int64_t IdField(const nlohmann::json& object, const char* key) {
  if (!object.is_object() || !object.contains(key) || !object[key].is_string()) return 0;
  return std::strtoll(object[key].get<std::string>().c_str(), nullptr, 10);
}

class ChannelRun {
 public:
  ChannelRun(const Options& options, Fleet& fleet) : o_(options), fleet_(fleet) {}

  Status Setup();
  Status Traffic();
  Status RoleChanges();
  void Report(Figures& f);

 private:
  struct Reader {
    Connection* conn = nullptr;
    bool listed = false;           // its `servers` request was answered
    std::vector<uint8_t> held;     // by message index
    int64_t count = 0;
  };

  void OnOwnerMessage(const mosquitto_message& m);
  void OnReaderMessage(Connection& c, const mosquitto_message& m);
  void OwnerRequest(protocol::CommunityOp op, nlohmann::json body);
  void Send(int64_t k);
  Status AwaitOwner(const std::string& what);
  Status BulkMembers();

  const Options& o_;
  Fleet& fleet_;
  Connection* owner_ = nullptr;
  std::vector<Reader> readers_;  // reader i is the fleet's connection i + 1
  int64_t server_id_ = 0, everyone_role_ = 0, channel_id_ = 0;
  // The owner's last community response (body), or an error; reset by OwnerRequest.
  bool owner_answered_ = false;
  std::string owner_error_;
  nlohmann::json owner_body_;

  // Message k was sent at sent_ns_[k] (0: not sent); acked once.
  std::vector<int64_t> sent_ns_;
  std::vector<uint8_t> acked_;
  int64_t sent_ = 0, acks_ = 0, deliveries_ = 0, duplicated_ = 0, refused_ = 0;
  int64_t first_send_ns_ = 0, last_send_ns_ = 0, last_delivery_ns_ = 0;
  std::vector<int64_t> ack_ns_, deliver_ns_;
  double traffic_broker_cpu_s_ = -1, role_broker_cpu_s_ = -1;
  std::optional<int64_t> rss_kb_;
  std::vector<int64_t> role_edit_ns_, role_to_all_ns_;
};

Status ChannelRun::Setup() {
  MQCHAT_ASSIGN_OR_RETURN(auto oc, fleet_.Config(o_.prefix + "owner", kDevice, true));
  Connection::Handlers oh;
  oh.on_message = [this](Connection&, const mosquitto_message& m) { OnOwnerMessage(m); };
  MQCHAT_ASSIGN_OR_RETURN(owner_, fleet_.Add(std::move(oc), std::move(oh)));
  MQCHAT_RETURN_IF_ERROR(fleet_.ConnectAll({owner_}, kSetupTimeoutS));
  MQCHAT_RETURN_IF_ERROR(fleet_.SubscribeAll(
      {owner_}, [](const Connection& c) { return protocol::ReplyTopic(c.user(), c.config().device); },
      kSetupTimeoutS));
  OwnerRequest(protocol::CommunityOp::kServerCreate, {{"name", o_.prefix + "server"}});
  MQCHAT_RETURN_IF_ERROR(AwaitOwner("server_create"));
  server_id_ = IdField(owner_body_["server"], "server_id");
  everyone_role_ = IdField(owner_body_["server"], "everyone_role_id");
  OwnerRequest(protocol::CommunityOp::kChannels, {{"server_id", std::to_string(server_id_)}});
  MQCHAT_RETURN_IF_ERROR(AwaitOwner("channels"));
  for (const auto& ch : owner_body_["channels"]) {
    if (ch.value("type", "") == "text") channel_id_ = IdField(ch, "channel_id");
  }
  if (server_id_ == 0 || everyone_role_ == 0 || channel_id_ == 0) {
    return Status::Unavailable("server_create/channels: no server, role or text channel");
  }
  MQCHAT_RETURN_IF_ERROR(BulkMembers());

  std::vector<Connection*> conns;
  for (int i = 0; i < o_.online; ++i) {
    MQCHAT_ASSIGN_OR_RETURN(auto rc,
                            fleet_.Config(o_.prefix + "m" + std::to_string(i), kDevice, true));
    Connection::Handlers rh;
    rh.on_message = [this](Connection& c, const mosquitto_message& m) { OnReaderMessage(c, m); };
    MQCHAT_ASSIGN_OR_RETURN(Connection * conn, fleet_.Add(std::move(rc), std::move(rh)));
    Reader r;
    r.conn = conn;
    readers_.push_back(std::move(r));
    conns.push_back(conn);
  }
  const double timeout_s = kSetupTimeoutS + o_.online / 50.0;
  MQCHAT_RETURN_IF_ERROR(fleet_.ConnectAll(conns, timeout_s));
  MQCHAT_RETURN_IF_ERROR(fleet_.SubscribeAll(
      conns, [](const Connection& c) { return protocol::ReplyTopic(c.user(), c.config().device); },
      timeout_s));
  for (Reader& r : readers_) {
    const std::string payload = nlohmann::json{{"req_id", "servers"}}.dump();
    if (r.conn->Publish(protocol::CommunityRequestTopic(protocol::CommunityOp::kServers), payload,
                        1) < 0) {
      return Status::Unavailable("servers: publish failed");
    }
  }
  // Each reader subscribes to the channel once its servers are listed; a refused SUBACK fails
  // the connection, and with it the run.
  return fleet_.Pump("list servers and subscribe to the channel", timeout_s, [&] {
    return std::all_of(readers_.begin(), readers_.end(),
                       [](const Reader& r) { return r.conn->subscriptions >= 2; });
  });
}

Status ChannelRun::BulkMembers() {
  if (o_.bulk_cmd.empty()) return Status::InvalidArgument("channel: --bulk-members CMD is needed");
  setenv("MQCHAT_BENCH_SERVER_ID", std::to_string(server_id_).c_str(), 1);
  setenv("MQCHAT_BENCH_PREFIX", o_.prefix.c_str(), 1);
  setenv("MQCHAT_BENCH_MEMBERS", std::to_string(o_.members).c_str(), 1);
  const int rc = std::system(o_.bulk_cmd.c_str());
  if (rc != 0) return Status::Unavailable("--bulk-members exited with " + std::to_string(rc));
  return Status::Ok();
}

void ChannelRun::OwnerRequest(protocol::CommunityOp op, nlohmann::json body) {
  owner_answered_ = false;
  owner_error_.clear();
  body["req_id"] = std::string(protocol::CommunityOpName(op));
  if (owner_->Publish(protocol::CommunityRequestTopic(op), body.dump(), 1) < 0) {
    owner_answered_ = true;
    owner_error_ = std::string(protocol::CommunityOpName(op)) + ": publish failed";
  }
}

Status ChannelRun::AwaitOwner(const std::string& what) {
  MQCHAT_RETURN_IF_ERROR(fleet_.Pump(what, kSetupTimeoutS, [&] { return owner_answered_; }));
  if (!owner_error_.empty()) return Status::Unavailable(what + ": " + owner_error_);
  return Status::Ok();
}

void ChannelRun::OnOwnerMessage(const mosquitto_message& m) {
  auto response = protocol::DecodeResponse(PayloadOf(m));
  if (!response.ok()) return;
  if (response->op == protocol::OpName(protocol::Op::kSend)) {
    const int64_t k = std::strtoll(response->req_id.c_str() + 1, nullptr, 10);
    if (k < 0 || k >= static_cast<int64_t>(sent_ns_.size()) || sent_ns_[k] == 0) return;
    if (!response->ok) {
      ++refused_;
      fleet_.RecordError("send: " + response->error->message);
      return;
    }
    if (acked_[k] != 0) return;
    acked_[k] = 1;
    ++acks_;
    ack_ns_.push_back(NowNs() - sent_ns_[k]);
    return;
  }
  owner_answered_ = true;
  owner_body_ = response->body;
  if (!response->ok) owner_error_ = response->error->message;
}

void ChannelRun::OnReaderMessage(Connection& c, const mosquitto_message& m) {
  Reader& r = readers_[c.index() - 1];
  if (!r.listed) {
    auto response = protocol::DecodeResponse(PayloadOf(m));
    if (!response.ok() || response->req_id != "servers") return;
    if (!response->ok) {
      fleet_.RecordError(c.client_id() + ": servers: " + response->error->message);
      return;
    }
    r.listed = true;
    if (c.Subscribe(protocol::ChannelTopic(channel_id_), 1) < 0) {
      fleet_.RecordError(c.client_id() + ": subscribe");
    }
    return;
  }
  auto event = protocol::DecodeInboxEvent(PayloadOf(m));
  if (!event.ok() || event->type != protocol::values::kEventTypeMessage) return;
  auto msg = protocol::DecodeMessage(event->body);
  if (!msg.ok() || msg->client_msg_id.size() < 2 || msg->client_msg_id[0] != 'c') return;
  const int64_t k = std::strtoll(msg->client_msg_id.c_str() + 1, nullptr, 10);
  if (k < 0 || k >= static_cast<int64_t>(sent_ns_.size()) || sent_ns_[k] == 0) return;
  if (r.held.size() < sent_ns_.size()) r.held.resize(sent_ns_.size(), 0);
  if (r.held[k] != 0) {
    ++duplicated_;
    return;
  }
  r.held[k] = 1;
  ++r.count;
  ++deliveries_;
  last_delivery_ns_ = NowNs();
  deliver_ns_.push_back(last_delivery_ns_ - sent_ns_[k]);
}

void ChannelRun::Send(int64_t k) {
  protocol::SendRequest body;
  body.client_msg_id = "c" + std::to_string(k);
  body.text = std::string(static_cast<size_t>(o_.payload_bytes), 'x');
  protocol::Request r;
  r.op = protocol::Op::kSend;
  r.conversation_id = channel_id_;
  r.req_id = "s" + std::to_string(k);
  r.body = std::move(body);
  sent_ns_[k] = NowNs();
  ++sent_;
  if (SendRequest(*owner_, r) < 0) fleet_.RecordError("send: publish failed");
}

Status ChannelRun::Traffic() {
  const int64_t planned = std::max<int64_t>(1, static_cast<int64_t>(o_.rate * o_.duration_s));
  sent_ns_.assign(static_cast<size_t>(planned + 2), 0);  // + one message per role edit
  acked_.assign(sent_ns_.size(), 0);
  for (Reader& r : readers_) r.held.assign(sent_ns_.size(), 0);
  const BrokerProbe probe(o_.broker_pid);
  const auto cpu0 = probe.CpuSeconds();
  first_send_ns_ = NowNs();
  MQCHAT_RETURN_IF_ERROR(fleet_.Pump("send", o_.duration_s + 60, [&] {
    if (sent_ < planned) {
      const int64_t due = first_send_ns_ + static_cast<int64_t>(sent_ * 1e9 / o_.rate);
      if (NowNs() >= due) {
        Send(sent_);
        last_send_ns_ = NowNs();
      } else {
        fleet_.loop().ArmTimer(due);
      }
    }
    return sent_ == planned;
  }));
  const int64_t online = static_cast<int64_t>(readers_.size());
  (void)fleet_.Pump(
      "drain", o_.drain_s, [&] { return acks_ == planned && deliveries_ == planned * online; },
      true);
  const auto cpu1 = probe.CpuSeconds();
  if (cpu0 && cpu1) traffic_broker_cpu_s_ = *cpu1 - *cpu0;
  rss_kb_ = probe.RssKb();
  return Status::Ok();
}

Status ChannelRun::RoleChanges() {
  const BrokerProbe probe(o_.broker_pid);
  const auto cpu0 = probe.CpuSeconds();
  const int64_t online = static_cast<int64_t>(readers_.size());
  for (int64_t flags : {kViewSend, kViewSendInvite}) {
    const int64_t t0 = NowNs();
    OwnerRequest(protocol::CommunityOp::kRoleEdit,
                 {{"role_id", std::to_string(everyone_role_)}, {"permissions", flags}});
    MQCHAT_RETURN_IF_ERROR(AwaitOwner("role_edit"));
    role_edit_ns_.push_back(NowNs() - t0);
    const int64_t k = sent_;
    const int64_t before = deliveries_;
    Send(k);
    int64_t all_ns = 0;
    MQCHAT_RETURN_IF_ERROR(fleet_.Pump("deliver after the role edit", kSetupTimeoutS, [&] {
      if (all_ns == 0 && deliveries_ - before == online) all_ns = last_delivery_ns_ - t0;
      return all_ns != 0 && acked_[k] != 0;
    }));
    role_to_all_ns_.push_back(all_ns);
  }
  const auto cpu1 = probe.CpuSeconds();
  if (cpu0 && cpu1) role_broker_cpu_s_ = *cpu1 - *cpu0;
  return Status::Ok();
}

void ChannelRun::Report(Figures& f) {
  const int64_t online = static_cast<int64_t>(readers_.size());
  const int64_t traffic =
      std::max<int64_t>(0, sent_ - static_cast<int64_t>(role_to_all_ns_.size()));
  const double span = Seconds(first_send_ns_, std::max(last_delivery_ns_, last_send_ns_));
  f.Add("sent", "messages sent", sent_);
  f.Add("acked", "acked", acks_);
  f.Add("deliveries", "deliveries", deliveries_,
        std::to_string(deliveries_) + " of " + std::to_string(sent_ * online));
  f.Add("deliveries_per_s", "deliveries/s (traffic phase)",
        span > 0 ? (traffic * online) / span : 0.0);
  f.AddLatency("ack_latency_ms", "send->ack ms", ack_ns_);
  f.AddLatency("deliver_latency_ms", "send->deliver ms", deliver_ns_);
  f.Add("missed", "missed", sent_ * online - deliveries_);
  f.Add("duplicated", "duplicated", duplicated_);
  f.Add("refused", "sends refused", refused_);
  if (traffic_broker_cpu_s_ >= 0) {
    f.Add("broker_cpu_s", "broker CPU s (traffic)", traffic_broker_cpu_s_);
    f.Add("broker_cpu_us_per_message", "broker CPU us/message",
          traffic > 0 ? traffic_broker_cpu_s_ * 1e6 / traffic : 0.0);
    f.Add("broker_cpu_us_per_delivery", "broker CPU us/delivery",
          traffic > 0 ? traffic_broker_cpu_s_ * 1e6 / (traffic * online) : 0.0);
  }
  if (rss_kb_) f.Add("broker_rss_mb", "broker RSS MB", *rss_kb_ / 1024.0);
  f.AddLatency("role_edit_ms", "role_edit round trip ms", role_edit_ns_);
  f.AddLatency("role_to_all_ms", "role_edit -> next message at every device ms", role_to_all_ns_);
  if (role_broker_cpu_s_ >= 0) {
    f.Add("role_broker_cpu_s", "broker CPU s (2 edits + 2 msgs)", role_broker_cpu_s_);
  }
  f.SetOk(sent_ > 0 && acks_ == sent_ && deliveries_ == sent_ * online && duplicated_ == 0 &&
          refused_ == 0 && role_to_all_ns_.size() == 2 && fleet_.errors() == 0);
}

}  // namespace

Figures RunChannel(const Options& o) {
  Figures f(o);
  f.Param("members", o.members);
  f.Param("online", o.online);
  f.Param("rate", o.rate);
  f.Param("duration_s", o.duration_s);
  const BrokerProbe probe(o.broker_pid);
  Status s = probe.Check();
  if (s.ok()) s = EnsureDescriptors(o.online + 1);
  auto fleet_or = s.ok() ? Fleet::Create(o) : Result<std::unique_ptr<Fleet>>(s);
  if (!fleet_or.ok()) {
    f.SetSetupError(fleet_or.status().ToString());
    return f;
  }
  Fleet& fleet = **fleet_or;
  ChannelRun run(o, fleet);
  s = run.Setup();
  rusage r0{}, r1{};
  getrusage(RUSAGE_SELF, &r0);
  const int64_t t0 = NowNs();
  if (s.ok()) s = run.Traffic();
  if (s.ok()) s = run.RoleChanges();
  getrusage(RUSAGE_SELF, &r1);
  if (!s.ok()) f.SetSetupError(s.ToString());
  run.Report(f);
  f.AddGeneratorCpu(r0, r1, Seconds(t0, NowNs()));
  f.Add("errors", "errors", fleet.errors());
  for (const auto& e : fleet.error_samples()) f.AddErrorSample(e);
  return f;
}

}  // namespace mqchat::bench
