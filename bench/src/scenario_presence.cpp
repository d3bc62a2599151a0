// presence: presence churn with watchers. One user's device (the target, <prefix>t/bench)
// connects and cleanly disconnects --transitions times while --watchers users, all in one group
// with the target (so they are its contacts), watch mqchat/v1/p/<target>. The broker
// should run with plugin_opt_presence_grace_ms 0 and plugin_opt_presence_min_interval_ms 0.
//
// Pacing: transition n+1 starts once the first watcher has seen transition n (and, with --rate,
// not before t0 + n / rate). The plugin publishes presence on its tick and coalesces changes of
// one user: a disconnect and the next connect inside one broker loop iteration would be
// published as nothing at all, by design. Waiting for one watcher makes every transition a
// publish of its own, so every watcher must see every transition, in order: a watcher's n-th
// presence message after the retained one is transition n. Lost ("missed") = transitions a
// watcher never saw by the end of the drain; duplicated = the same state twice in a row;
// final state wrong = a watcher whose last state is not the target's last state. The fan-out to
// the other watchers overlaps the next transition.
//
// Latency: from the start of the transition (the target's StartConnect, or its DISCONNECT) to a
// watcher receiving it; "online" thus includes the TCP connect and the JWT login.
#include <sys/resource.h>

#include <algorithm>

#include "broker_probe.h"
#include "fd_budget.h"
#include "fleet.h"
#include "protocol/presence.h"
#include "protocol/requests.h"
#include "protocol/topics.h"
#include "protocol/wire.h"
#include "scenarios.h"

namespace mqchat::bench {
namespace {

constexpr char kDevice[] = "bench";
constexpr double kSetupTimeoutS = 60;
constexpr int64_t kRetryBackoffNs = 20000000;  // create_group NOT_FOUND/retryable: 20 ms
constexpr int kMaxCreateAttempts = 200;

std::string_view PayloadOf(const mosquitto_message& m) {
  return std::string_view(static_cast<const char*>(m.payload), static_cast<size_t>(m.payloadlen));
}

double Seconds(int64_t from_ns, int64_t to_ns) { return (to_ns - from_ns) / 1e9; }

class PresenceChurn {
 public:
  PresenceChurn(const Options& options, Fleet& fleet) : o_(options), fleet_(fleet) {}

  Status Setup();
  Status Churn();
  void Report(Figures& f);

 private:
  struct Watcher {
    Connection* conn = nullptr;
    bool contacts_loaded = false;  // its `conversations` request was answered
    int64_t seen = 0;              // churn transitions seen, in order
    int messages = 0;              // presence messages received in all
    bool last_online = true;
  };
  enum class Phase { kSetup, kChurn };

  void OnTargetMessage(const mosquitto_message& m);
  void OnWatcherMessage(Connection& c, const mosquitto_message& m);
  void CreateGroup();
  bool ExpectOnline(int64_t n) const { return n % 2 == 1; }  // transition n: odd = online
  bool TargetSettled() const;
  void IssueTransition();

  const Options& o_;
  Fleet& fleet_;
  Phase phase_ = Phase::kSetup;
  Connection* target_ = nullptr;
  std::string presence_topic_;
  std::vector<Watcher> watchers_;  // watcher i is the fleet's connection i + 1
  int create_attempts_ = 0;
  int64_t create_retry_at_ns_ = 0;
  bool group_created_ = false;

  // Churn: transition n (1-based) started at transition_ns_[n - 1].
  std::vector<int64_t> transition_ns_;
  int64_t issued_ = 0;
  int64_t deliveries_ = 0, duplicated_ = 0, unexpected_ = 0;
  int64_t last_delivery_ns_ = 0;
  std::vector<int64_t> online_latency_ns_, offline_latency_ns_, connack_ns_;
  double broker_cpu_s_ = -1;
};

Status PresenceChurn::Setup() {
  presence_topic_ = protocol::PresenceTopic(o_.prefix + "t");
  MQCHAT_ASSIGN_OR_RETURN(auto tc, fleet_.Config(o_.prefix + "t", kDevice, true));
  Connection::Handlers th;
  th.on_message = [this](Connection&, const mosquitto_message& m) { OnTargetMessage(m); };
  th.on_connect = [this](Connection& c, int rc) {
    if (phase_ == Phase::kChurn && rc == 0) connack_ns_.push_back(NowNs() - c.connect_start_ns);
  };
  MQCHAT_ASSIGN_OR_RETURN(target_, fleet_.Add(std::move(tc), std::move(th)));
  std::vector<Connection*> all{target_};
  for (int i = 0; i < o_.watchers; ++i) {
    MQCHAT_ASSIGN_OR_RETURN(auto wc,
                            fleet_.Config(o_.prefix + "w" + std::to_string(i), kDevice, true));
    Connection::Handlers wh;
    wh.on_message = [this](Connection& c, const mosquitto_message& m) { OnWatcherMessage(c, m); };
    MQCHAT_ASSIGN_OR_RETURN(Connection * conn, fleet_.Add(std::move(wc), std::move(wh)));
    watchers_.push_back(Watcher{conn});
    all.push_back(conn);
  }
  // Everyone logs in (which creates the users) and listens for its responses.
  MQCHAT_RETURN_IF_ERROR(fleet_.ConnectAll(all, kSetupTimeoutS));
  MQCHAT_RETURN_IF_ERROR(fleet_.SubscribeAll(
      all, [](const Connection& c) { return protocol::ReplyTopic(c.user(), c.config().device); },
      kSetupTimeoutS));
  // The target puts every watcher into one group: they become its contacts.
  CreateGroup();
  MQCHAT_RETURN_IF_ERROR(fleet_.Pump("create the group", kSetupTimeoutS, [&] {
    if (create_retry_at_ns_ != 0 && NowNs() >= create_retry_at_ns_) CreateGroup();
    return group_created_ || create_attempts_ > kMaxCreateAttempts;
  }));
  if (!group_created_) return Status::Unavailable("create_group: gave up retrying");
  // As the protocol asks: a device subscribes to a contact's presence after its first request
  // (`conversations`, here) is answered; the plugin loads contacts before that answer.
  for (Watcher& w : watchers_) {
    protocol::Request r;
    r.op = protocol::Op::kConversations;
    r.req_id = "conversations";
    r.body = protocol::ConversationsRequest{};
    if (SendRequest(*w.conn, r) < 0) return Status::Unavailable("conversations: publish failed");
  }
  // Every watcher subscribed (SUBACK; a refusal fails the run) and holding the retained state;
  // then the target leaves and every watcher sees it offline.
  MQCHAT_RETURN_IF_ERROR(fleet_.Pump("subscribe to presence", kSetupTimeoutS, [&] {
    return std::all_of(watchers_.begin(), watchers_.end(), [](const Watcher& w) {
      return w.conn->subscriptions >= 2 && w.messages > 0;
    });
  }));
  fleet_.DisconnectAll({target_});
  return fleet_.Pump("see the target offline", kSetupTimeoutS, [&] {
    return std::all_of(watchers_.begin(), watchers_.end(),
                       [](const Watcher& w) { return !w.last_online; });
  });
}

void PresenceChurn::CreateGroup() {
  create_retry_at_ns_ = 0;
  ++create_attempts_;
  protocol::CreateGroupRequest body;
  body.name = o_.prefix + "watchers";
  for (const Watcher& w : watchers_) body.members.push_back(w.conn->user());
  protocol::Request r;
  r.op = protocol::Op::kCreateGroup;
  r.req_id = "create";
  r.body = std::move(body);
  if (SendRequest(*target_, r) < 0) fleet_.RecordError("create_group: publish failed");
}

void PresenceChurn::OnTargetMessage(const mosquitto_message& m) {
  auto response = protocol::DecodeResponse(PayloadOf(m));
  if (!response.ok() || response->op != protocol::OpName(protocol::Op::kCreateGroup)) return;
  if (response->ok) {
    group_created_ = true;
    return;
  }
  const auto code = response->error->code;
  // NOT_FOUND: a watcher's first login may still be creating its user.
  if (protocol::IsRetryable(code) || code == protocol::ErrorCode::kNotFound) {
    create_retry_at_ns_ = NowNs() + kRetryBackoffNs;
    return;
  }
  fleet_.RecordError("create_group: " + response->error->message);
}

void PresenceChurn::OnWatcherMessage(Connection& c, const mosquitto_message& m) {
  Watcher& w = watchers_[c.index() - 1];
  const int64_t now = NowNs();
  if (m.topic != presence_topic_) {
    auto response = protocol::DecodeResponse(PayloadOf(m));
    if (response.ok() && response->op == protocol::OpName(protocol::Op::kConversations) &&
        !w.contacts_loaded) {
      if (!response->ok) {
        fleet_.RecordError(c.client_id() + ": conversations: " + response->error->message);
        return;
      }
      w.contacts_loaded = true;
      if (c.Subscribe(presence_topic_, 1) < 0) fleet_.RecordError(c.client_id() + ": subscribe");
    }
    return;
  }
  auto p = protocol::DecodePresence(PayloadOf(m));
  if (!p.ok() || p->user != target_->user() || p->online != (p->devices > 0)) {
    ++unexpected_;
    fleet_.RecordError(c.client_id() + ": bad presence: " + std::string(PayloadOf(m)));
    return;
  }
  ++w.messages;
  if (phase_ == Phase::kChurn) {
    const int64_t n = w.seen + 1;
    if (n <= issued_ && p->online == ExpectOnline(n)) {
      w.seen = n;
      ++deliveries_;
      last_delivery_ns_ = now;
      (p->online ? online_latency_ns_ : offline_latency_ns_).push_back(now - transition_ns_[n - 1]);
    } else if (p->online == w.last_online) {
      ++duplicated_;
    } else {
      ++unexpected_;
    }
  }
  w.last_online = p->online;
}

bool PresenceChurn::TargetSettled() const {
  // After a connect: its CONNACK arrived; after a disconnect: its socket is closed.
  return ExpectOnline(issued_) ? target_->connack_rc >= 0 : !target_->alive();
}

void PresenceChurn::IssueTransition() {
  const int64_t n = issued_ + 1;
  transition_ns_.push_back(NowNs());
  issued_ = n;
  if (ExpectOnline(n)) {
    Status s = fleet_.StartConnect(target_);
    if (!s.ok()) fleet_.RecordError(s.ToString());
  } else {
    target_->Disconnect();
  }
}

Status PresenceChurn::Churn() {
  phase_ = Phase::kChurn;
  transition_ns_.reserve(o_.transitions);
  const auto cpu0 = BrokerProbe(o_.broker_pid).CpuSeconds();
  const int64_t t0 = NowNs();
  const Watcher& first = watchers_.front();
  Status s = fleet_.Pump("churn", 60 + o_.transitions / 10.0, [&] {
    if (issued_ < o_.transitions && TargetSettled() && first.seen >= issued_) {
      const int64_t due = o_.rate > 0 ? t0 + static_cast<int64_t>(issued_ * 1e9 / o_.rate) : 0;
      if (NowNs() >= due) {
        IssueTransition();
      } else {
        fleet_.loop().ArmTimer(due);
      }
    }
    return issued_ == o_.transitions && TargetSettled();
  });
  if (!s.ok()) return s;
  const int64_t total = static_cast<int64_t>(o_.transitions) * o_.watchers;
  s = fleet_.Pump(
      "drain", o_.drain_s, [&] { return deliveries_ >= total; }, true);
  const auto cpu1 = BrokerProbe(o_.broker_pid).CpuSeconds();
  if (cpu0 && cpu1) broker_cpu_s_ = *cpu1 - *cpu0;
  return Status::Ok();  // a drain that times out shows up as missed transitions
}

void PresenceChurn::Report(Figures& f) {
  const int64_t t_first = transition_ns_.empty() ? 0 : transition_ns_.front();
  const int64_t t_last = transition_ns_.empty() ? 0 : transition_ns_.back();
  const int64_t expected = issued_ * static_cast<int64_t>(watchers_.size());
  int final_wrong = 0;
  for (const Watcher& w : watchers_) final_wrong += w.last_online != ExpectOnline(issued_);
  const double span = Seconds(t_first, std::max(last_delivery_ns_, t_last));
  f.Add("transitions", "transitions", issued_);
  f.Add("transitions_per_s", "transitions/s offered",
        issued_ > 1 ? (issued_ - 1) / std::max(Seconds(t_first, t_last), 1e-9) : 0.0);
  f.Add("deliveries", "deliveries to watchers", deliveries_,
        std::to_string(deliveries_) + " of " + std::to_string(expected));
  f.Add("deliveries_per_s", "deliveries/s", deliveries_ / std::max(span, 1e-9));
  std::vector<int64_t> all = online_latency_ns_;
  all.insert(all.end(), offline_latency_ns_.begin(), offline_latency_ns_.end());
  f.AddLatency("latency_ms", "transition->watcher ms", all);
  f.AddLatency("online_latency_ms", "  online (CONNECT->) ms", online_latency_ns_);
  f.AddLatency("offline_latency_ms", "  offline (DISCONNECT->) ms", offline_latency_ns_);
  f.AddLatency("target_connack_ms", "target CONNECT->CONNACK ms", connack_ns_);
  f.Add("missed", "missed", expected - deliveries_);
  f.Add("duplicated", "duplicated", duplicated_);
  f.Add("unexpected", "unexpected", unexpected_);
  f.Add("final_state_wrong", "final state wrong", final_wrong);
  if (broker_cpu_s_ >= 0) {
    f.Add("broker_cpu_s", "broker CPU s", broker_cpu_s_);
    f.Add("broker_cpu_us_per_transition", "broker CPU us/transition",
          issued_ > 0 ? broker_cpu_s_ * 1e6 / issued_ : 0.0);
    f.Add("broker_cpu_us_per_delivery", "broker CPU us/delivery",
          deliveries_ > 0 ? broker_cpu_s_ * 1e6 / deliveries_ : 0.0);
  }
  f.SetOk(issued_ == o_.transitions && deliveries_ == expected && duplicated_ == 0 &&
          unexpected_ == 0 && final_wrong == 0 && fleet_.errors() == 0);
}

}  // namespace

Figures RunPresence(const Options& o) {
  Figures f(o);
  f.Param("watchers", o.watchers);
  f.Param("transitions", o.transitions);
  f.Param("rate_cap", o.rate);
  const BrokerProbe probe(o.broker_pid);
  Status s = probe.Check();
  if (s.ok()) s = EnsureDescriptors(o.watchers + 1);
  auto fleet_or = s.ok() ? Fleet::Create(o) : Result<std::unique_ptr<Fleet>>(s);
  if (!fleet_or.ok()) {
    f.SetSetupError(fleet_or.status().ToString());
    return f;
  }
  Fleet& fleet = **fleet_or;
  PresenceChurn churn(o, fleet);
  s = churn.Setup();
  rusage r0{}, r1{};
  getrusage(RUSAGE_SELF, &r0);
  const int64_t t0 = NowNs();
  if (s.ok()) s = churn.Churn();
  getrusage(RUSAGE_SELF, &r1);
  if (!s.ok()) f.SetSetupError(s.ToString());
  churn.Report(f);
  f.AddGeneratorCpu(r0, r1, Seconds(t0, NowNs()));
  f.Add("errors", "errors", fleet.errors());
  for (const auto& e : fleet.error_samples()) f.AddErrorSample(e);
  return f;
}

}  // namespace mqchat::bench
