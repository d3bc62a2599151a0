// Driver setup and teardown: connections, logins, subscriptions, conversations.
#include <algorithm>
#include <ctime>

#include "auth/jwt.h"
#include "driver.h"
#include "protocol/requests.h"
#include "protocol/topics.h"

namespace mqchat::bench {
namespace {

constexpr char kDevice[] = "bench";
constexpr int kConnectBatch = 100;  // CONNECTs in flight at once (the broker's listen backlog)
constexpr double kConnectTimeoutS = 60;
constexpr double kSetupTimeoutS = 30;
constexpr int kMaxSetupAttempts = 100;

std::string Text(int bytes) {
  std::string text(static_cast<size_t>(bytes), 'x');
  for (int i = 0; i < bytes; ++i) text[i] = static_cast<char>('a' + i % 26);
  return text;
}

}  // namespace

Driver::Driver(Options options) : options_(std::move(options)), chat_(IsChat(options_.scenario)) {
  text_ = Text(options_.payload_bytes);
}

Driver::~Driver() = default;

// Long (about 75 lines): the connection plan of each scenario shape (group, pairs) side by
// side, so a reader compares them in one place.
Status Driver::BuildConnections() {
  const Options& o = options_;
  struct Planned {
    std::string user;
    RecipientRole role;
  };
  std::vector<Planned> plan;
  if (IsGroup(o.scenario)) {
    for (int i = 0; i < o.group_size; ++i)
      plan.push_back({o.prefix + "g" + std::to_string(i), {0, i}});
    tracker_ = std::make_unique<Tracker>(o.senders, std::vector<int>{o.group_size});
    group_topic_ = protocol::InboxTopic(o.prefix + "group");
    for (int i = 0; i < o.senders; ++i) {
      Sender s;
      s.slot = i;
      s.conversation = 0;
      s.thread = i % o.threads;
      s.topic = group_topic_;
      senders_.push_back(std::move(s));
    }
  } else {
    for (int p = 0; p < o.pairs; ++p) {
      plan.push_back({o.prefix + "s" + std::to_string(p), {p, -1}});
      plan.push_back({o.prefix + "r" + std::to_string(p), {p, 0}});
      Sender s;
      s.slot = p;
      s.conversation = p;
      s.thread = p % o.threads;
      s.peer = plan.back().user;
      s.topic = protocol::InboxTopic(s.peer);  // baseline; chat replaces it after open_direct
      senders_.push_back(std::move(s));
    }
    tracker_ = std::make_unique<Tracker>(o.pairs, std::vector<int>(o.pairs, 1));
  }
  if (o.messages > 0) {
    const int64_t n = static_cast<int64_t>(senders_.size());
    for (int64_t i = 0; i < n; ++i) senders_[i].quota = o.messages / n + (i < o.messages % n);
  }

  const int64_t now = std::time(nullptr);
  sender_of_.assign(plan.size(), -1);
  thread_of_.assign(plan.size(), 0);
  for (size_t i = 0; i < plan.size(); ++i) {
    ConnectionConfig config;
    config.index = static_cast<int>(i);
    config.user = plan[i].user;
    config.device = kDevice;
    if (chat_) {
      auto token =
          auth::SignHs256({{"sub", config.user}, {"iat", now}, {"exp", now + 86400}}, o.jwt_secret);
      if (!token.ok()) return token.status();
      config.password = *token;
    } else {
      config.send_credentials = false;
    }
    MQCHAT_ASSIGN_OR_RETURN(auto conn, Connection::Create(std::move(config), MakeHandlers()));
    connections_.push_back(std::move(conn));
    roles_.push_back(plan[i].role);
    inbox_topics_.push_back(protocol::InboxTopic(plan[i].user));
    reply_topics_.push_back(protocol::ReplyTopic(plan[i].user, kDevice));
  }
  // Pairs: sender p is connection 2p; group: sender i is member i. A pair shares a thread.
  for (size_t si = 0; si < senders_.size(); ++si) {
    const size_t ci = IsGroup(o.scenario) ? si : 2 * si;
    senders_[si].conn = connections_[ci].get();
    sender_of_[ci] = static_cast<int>(si);
  }
  for (size_t i = 0; i < plan.size(); ++i) {
    thread_of_[i] = static_cast<int>(IsGroup(o.scenario) ? i : i / 2) % o.threads;
  }
  setup_conversation_.assign(plan.size(), 0);
  setup_attempts_.assign(plan.size(), 0);
  setup_error_.assign(plan.size(), "");
  MQCHAT_ASSIGN_OR_RETURN(setup_loop_, EventLoop::Create());
  return Status::Ok();
}

Status Driver::Pump(const char* what, double timeout_s, const std::function<bool()>& done) {
  const int64_t deadline = NowNs() + static_cast<int64_t>(timeout_s * 1e9);
  while (!done()) {
    for (const auto& c : connections_) {
      if (!c->error().empty()) return Status::Unavailable(std::string(what) + ": " + c->error());
    }
    if (NowNs() > deadline) {
      return Status::Unavailable(std::string(what) + ": not done within " +
                                 std::to_string(static_cast<int>(timeout_s)) + " s");
    }
    setup_loop_->RunOnce(10);
    setup_loop_->Flush();
  }
  return Status::Ok();
}

Status Driver::ConnectAll() {
  size_t started = 0;
  auto answered = [&] {
    size_t n = 0;
    for (size_t i = 0; i < started; ++i) n += connections_[i]->connack_rc >= 0;
    return n;
  };
  auto start_more = [&]() -> Status {
    const size_t limit = std::min(connections_.size(), answered() + kConnectBatch);
    for (; started < limit; ++started) {
      Connection& c = *connections_[started];
      MQCHAT_RETURN_IF_ERROR(c.StartConnect(options_.host, options_.port));
      MQCHAT_RETURN_IF_ERROR(setup_loop_->Add(&c));
    }
    return Status::Ok();
  };
  Status start_status = Status::Ok();
  MQCHAT_RETURN_IF_ERROR(Pump("connect", kConnectTimeoutS, [&] {
    if (!start_status.ok()) return true;
    start_status = start_more();
    return start_status.ok() && answered() == connections_.size();
  }));
  return start_status;
}

Status Driver::SubscribeAll() {
  for (const auto& c : connections_) {
    const std::string filter = options_.scenario == Scenario::kBaselineGroup
                                   ? group_topic_
                                   : protocol::UserPrefix(c->user()) + "#";
    int mid = c->Subscribe(filter, 1);
    if (mid < 0) return Status::Unavailable(c->client_id() + ": subscribe failed: " + c->error());
  }
  return Pump("subscribe", kSetupTimeoutS, [&] {
    return std::all_of(connections_.begin(), connections_.end(),
                       [](const auto& c) { return c->subscriptions > 0; });
  });
}

void Driver::SendSetupRequest(int conn) {
  Connection& c = *connections_[conn];
  protocol::Request r;
  r.req_id = "setup";
  if (IsGroup(options_.scenario)) {
    protocol::CreateGroupRequest body;
    body.name = options_.prefix + "group";
    for (size_t i = 1; i < connections_.size(); ++i)
      body.members.push_back(connections_[i]->user());
    r.op = protocol::Op::kCreateGroup;
    r.body = std::move(body);
  } else {
    r.op = protocol::Op::kOpenDirect;
    r.body = protocol::OpenDirectRequest{senders_[sender_of_[conn]].peer};
  }
  setup_conversation_[conn] = 0;
  ++setup_attempts_[conn];
  c.Publish(protocol::RequestTopic(r.op), protocol::EncodeRequest(r), 1);
}

Status Driver::OpenConversations() {
  if (!chat_) return Status::Ok();
  // Pairs: every sender opens its direct conversation; group: member 0 creates the group.
  std::vector<int> openers;
  if (IsGroup(options_.scenario)) {
    openers.push_back(0);
  } else {
    for (const Sender& s : senders_) openers.push_back(s.conn->index());
  }
  for (int conn : openers) SendSetupRequest(conn);
  Status failed = Status::Ok();
  MQCHAT_RETURN_IF_ERROR(Pump("open conversations", kSetupTimeoutS, [&] {
    bool all = true;
    for (int conn : openers) {
      if (!setup_error_[conn].empty()) {
        failed = Status::Unavailable(connections_[conn]->client_id() + ": " + setup_error_[conn]);
        return true;
      }
      if (setup_conversation_[conn] < 0) {
        if (setup_attempts_[conn] >= kMaxSetupAttempts) {
          failed = Status::Unavailable(connections_[conn]->client_id() + ": gave up retrying");
          return true;
        }
        SendSetupRequest(conn);
      }
      all = all && setup_conversation_[conn] > 0;
    }
    return all;
  }));
  MQCHAT_RETURN_IF_ERROR(failed);
  for (Sender& s : senders_) {
    s.conversation_id =
        IsGroup(options_.scenario) ? setup_conversation_[0] : setup_conversation_[s.conn->index()];
    s.topic = protocol::RequestTopic(protocol::Op::kSend, s.conversation_id);
  }
  return Status::Ok();
}

void Driver::DisconnectAll() {
  for (const auto& c : connections_) c->Disconnect();
  (void)Pump("disconnect", 2, [&] {
    return std::none_of(connections_.begin(), connections_.end(),
                        [](const auto& c) { return c->alive(); });
  });
}

}  // namespace mqchat::bench
