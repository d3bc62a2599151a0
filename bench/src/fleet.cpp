#include "fleet.h"

#include <algorithm>
#include <ctime>

#include "auth/jwt.h"
#include "protocol/topics.h"

namespace mqchat::bench {
namespace {

constexpr size_t kMaxErrorSamples = 10;
constexpr int kIdleWaitMs = 10;
constexpr double kDisconnectTimeoutS = 10;

std::string FormatSeconds(double s) { return std::to_string(static_cast<int64_t>(s)) + " s"; }

}  // namespace

Result<std::unique_ptr<Fleet>> Fleet::Create(const Options& options) {
  std::unique_ptr<Fleet> fleet(new Fleet(options));
  MQCHAT_ASSIGN_OR_RETURN(fleet->loop_, EventLoop::Create());
  return fleet;
}

Result<ConnectionConfig> Fleet::Config(const std::string& user, const std::string& device,
                                       bool chat) const {
  ConnectionConfig config;
  config.user = user;
  config.device = device;
  if (chat) {
    const int64_t now = std::time(nullptr);
    MQCHAT_ASSIGN_OR_RETURN(
        config.password,
        auth::SignHs256({{"sub", user}, {"iat", now}, {"exp", now + 86400}}, options_.jwt_secret));
  } else {
    config.send_credentials = false;
  }
  return config;
}

Result<Connection*> Fleet::Add(ConnectionConfig config, Connection::Handlers handlers) {
  config.index = static_cast<int>(connections_.size());
  auto user_on_error = std::move(handlers.on_error);
  handlers.on_error = [this, user_on_error](Connection& c) {
    RecordError(c.error());
    if (user_on_error) user_on_error(c);
  };
  MQCHAT_ASSIGN_OR_RETURN(auto conn, Connection::Create(std::move(config), std::move(handlers)));
  connections_.push_back(std::move(conn));
  return connections_.back().get();
}

void Fleet::RecordError(std::string what) {
  ++errors_;
  if (error_samples_.size() < kMaxErrorSamples) error_samples_.push_back(std::move(what));
}

void Fleet::QueueConnect(Connection* c) { queued_.push_back(c); }

void Fleet::StartQueued() {
  awaiting_.erase(std::remove_if(awaiting_.begin(), awaiting_.end(),
                                 [](Connection* c) { return c->connack_rc >= 0 || !c->alive(); }),
                  awaiting_.end());
  while (!queued_.empty() && static_cast<int>(awaiting_.size()) < options_.connect_window) {
    Connection* c = queued_.front();
    queued_.pop_front();
    Status s = StartConnect(c);
    if (!s.ok()) {
      RecordError(s.ToString());
      continue;
    }
    awaiting_.push_back(c);
  }
}

Status Fleet::StartConnect(Connection* c) {
  loop_->Remove(c);  // a reconnect gets a new socket
  MQCHAT_RETURN_IF_ERROR(c->StartConnect(options_.host, options_.port));
  return loop_->Add(c);
}

Status Fleet::Pump(const std::string& what, double timeout_s, const std::function<bool()>& done,
                   bool tolerate_errors) {
  const int64_t deadline = NowNs() + static_cast<int64_t>(timeout_s * 1e9);
  while (true) {
    StartQueued();
    if (done()) return Status::Ok();
    if (!tolerate_errors && errors_ > 0) {
      return Status::Unavailable(what + ": " + error_samples_.front());
    }
    if (NowNs() > deadline) {
      return Status::Unavailable(what + ": not done within " + FormatSeconds(timeout_s));
    }
    // Writes what the callbacks and done() queued before waiting for the answers.
    loop_->Flush();
    loop_->RunOnce(kIdleWaitMs);
  }
}

Status Fleet::ConnectAll(const std::vector<Connection*>& conns, double timeout_s) {
  for (Connection* c : conns) QueueConnect(c);
  size_t next = 0;  // conns before this one have their CONNACK
  return Pump("connect", timeout_s, [&] {
    while (next < conns.size() && conns[next]->connack_rc >= 0) ++next;
    return next == conns.size();
  });
}

Status Fleet::SubscribeAll(const std::vector<Connection*>& conns,
                           const std::function<std::string(const Connection&)>& filter,
                           double timeout_s) {
  std::vector<int> before;
  before.reserve(conns.size());
  for (Connection* c : conns) {
    before.push_back(c->subscriptions);
    if (c->Subscribe(filter(*c), 1) < 0) {
      return Status::Unavailable(c->client_id() + ": subscribe failed: " + c->error());
    }
  }
  size_t next = 0;  // conns before this one have their SUBACK
  return Pump("subscribe", timeout_s, [&] {
    while (next < conns.size() && conns[next]->subscriptions > before[next]) ++next;
    return next == conns.size();
  });
}

void Fleet::DisconnectAll(const std::vector<Connection*>& conns) {
  for (Connection* c : conns) c->Disconnect();
  size_t next = 0;
  (void)Pump(
      "disconnect", kDisconnectTimeoutS,
      [&] {
        while (next < conns.size() && !conns[next]->alive()) ++next;
        return next == conns.size();
      },
      true);
}

int SendRequest(Connection& c, const protocol::Request& request) {
  return c.Publish(protocol::RequestTopic(request.op, request.conversation_id),
                   protocol::EncodeRequest(request), 1);
}

}  // namespace mqchat::bench
