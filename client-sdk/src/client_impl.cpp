// ClientImpl: creation, shutdown, the connection state machine and request/response matching.
#include "client_impl.h"

#include <algorithm>
#include <thread>

#include "protocol/identity.h"
#include "protocol/presence.h"
#include "protocol/topics.h"

namespace mqchat::sdk {
namespace {

constexpr std::chrono::milliseconds kDisconnectTimeout{2000};
// Retired links: how often the graveyard is checked, how long after a link's last Paho callback
// it is destroyed, and how long ~ClientImpl waits for them.
constexpr std::chrono::milliseconds kSweepInterval{200};
constexpr std::chrono::milliseconds kRetiredGrace{500};
constexpr std::chrono::milliseconds kShutdownGrace{50};
constexpr std::chrono::milliseconds kShutdownDrain{3000};

std::string NormalizeUri(const std::string& uri) {
  if (uri.rfind("mqtt://", 0) == 0) return "tcp://" + uri.substr(7);
  return uri;
}

}  // namespace

Result<std::unique_ptr<ClientImpl>> ClientImpl::Create(ClientOptions options) {
  MQCHAT_RETURN_IF_ERROR(options.Validate());
  auto cache = LocalCache::Open(options.cache_path, options.username);
  if (!cache.ok()) return cache.status();
  std::unique_ptr<ClientImpl> impl(new ClientImpl(std::move(options), std::move(*cache)));
  impl->loop_.Post([p = impl.get()] { p->LoadOutbox(); });
  return impl;
}

ClientImpl::ClientImpl(ClientOptions options, std::unique_ptr<LocalCache> cache)
    : options_(std::move(options)),
      inbox_topic_(protocol::InboxTopic(options_.username)),
      reply_topic_(protocol::ReplyTopic(options_.username, options_.device_id)),
      cache_(std::move(cache)),
      password_(options_.password),
      reconnect_backoff_(options_.reconnect_min, options_.reconnect_max),
      retry_backoff_(std::chrono::milliseconds(200), std::chrono::seconds(10)),
      window_(std::clamp(options_.send_window, 1, kMaxSendWindow)),
      dispatcher_(options_.event_queue_capacity, options_.log) {}

ClientImpl::~ClientImpl() {
  std::promise<void> done;
  auto finished = done.get_future();
  const bool posted = loop_.Post([this, &done] {
    want_connected_ = false;
    Teardown(Status::Unavailable("the client was destroyed"));
    const Status gone = Status::Unavailable(
        "the client was destroyed before the server acknowledged the message; it stays in the "
        "outbox and is sent by the next client on this cache");
    auto waiters = std::move(send_waiters_);
    for (auto& [id, callbacks] : waiters) {
      for (auto& cb : callbacks) cb(gone);
    }
    ResolveConnectWaiters(Status::Unavailable("the client was destroyed"));
    SetState(ConnectionState::kDisconnected);
    DrainGraveyard();
    done.set_value();
  });
  if (posted) finished.wait();
  loop_.Stop();
  dispatcher_.Stop();  // runs the callbacks still queued
}

void ClientImpl::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

int64_t ClientImpl::NowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void ClientImpl::SetPassword(std::string password) {
  std::lock_guard<std::mutex> lock(password_mu_);
  password_ = std::move(password);
}

// --- Connection --------------------------------------------------------------------------

Status ClientImpl::Connect() {
  auto waiter = std::make_shared<std::promise<Status>>();
  auto result = waiter->get_future();
  if (!loop_.Post([this, waiter] { BeginConnect(waiter); })) {
    return Status::Unavailable("the client is shutting down");
  }
  const auto deadline = options_.connect_timeout + std::chrono::seconds(2);
  if (result.wait_for(deadline) != std::future_status::ready) {
    return Status::Unavailable("no connection within " +
                               std::to_string(options_.connect_timeout.count()) +
                               " ms; still trying");
  }
  return result.get();
}

void ClientImpl::BeginConnect(std::shared_ptr<std::promise<Status>> waiter) {
  want_connected_ = true;
  if (IsUp()) {
    waiter->set_value(Status::Ok());
    return;
  }
  connect_waiters_.push_back(std::move(waiter));
  if (state_ == ConnectionState::kDisconnected) {
    reconnect_backoff_.Reset();
    StartAttempt();
  } else if (reconnect_timer_ != 0) {
    // Waiting out a backoff: the app asked explicitly, so try now.
    loop_.Cancel(reconnect_timer_);
    reconnect_timer_ = 0;
    StartAttempt();
  }
}

void ClientImpl::Disconnect() {
  std::promise<void> done;
  auto finished = done.get_future();
  if (!loop_.Post([this, &done] {
        want_connected_ = false;
        Teardown(Status::Unavailable("disconnected by the app"));
        ResolveConnectWaiters(Status::Unavailable("disconnected by the app"));
        SetState(ConnectionState::kDisconnected);
        done.set_value();
      })) {
    return;
  }
  finished.wait();
}

void ClientImpl::StartAttempt() {
  const uint64_t gen = ++generation_;
  SetState(ConnectionState::kConnecting);
  LinkOptions lo;
  lo.server_uri = NormalizeUri(options_.server_uri);
  lo.client_id = protocol::MakeClientId(options_.username, options_.device_id);
  lo.username = options_.username;
  {
    std::lock_guard<std::mutex> lock(password_mu_);
    lo.password = password_;
  }
  lo.keepalive = options_.keepalive;
  lo.connect_timeout = options_.connect_timeout;
  lo.clean_start = !options_.persistent_session;
  lo.session_expiry_s =
      options_.persistent_session ? static_cast<uint32_t>(options_.session_expiry.count()) : 0;
  lo.will_topic = protocol::WillTopic(options_.username, options_.device_id);
  lo.will_payload = protocol::DeviceWillPayload();

  LinkEvents events;
  events.on_connect = [this, gen](Status s, int receive_maximum) {
    loop_.Post([this, gen, s, receive_maximum] { OnConnectResult(gen, s, receive_maximum); });
  };
  events.on_lost = [this, gen](Status s) { loop_.Post([this, gen, s] { OnLost(gen, s); }); };
  events.on_message = [this](std::string topic, std::string payload) {
    OnLinkMessage(std::move(topic), std::move(payload));
  };
  auto link = MqttLink::Create(lo, std::move(events));
  if (!link.ok()) {
    // A bad URI or client id: no retry can fix it.
    HandleFailure(Status::FailedPrecondition(link.status().message()));
    return;
  }
  // The previous attempt's link (failed, lost or given up on) waits in the graveyard until Paho
  // is done with it; destroying it now could race with Paho's threads.
  Retire(std::move(link_));
  link_ = std::move(*link);
  Log("mqchat: connecting to " + lo.server_uri + " as " + lo.client_id);
  link_->Connect();
  // Paho gives up on a CONNECT after ceil(connect_timeout) but checks only every 3 s, so this
  // fires after Paho's own timeout: a CONNECT we abandon is over and cannot complete later and
  // take over the session of a newer attempt.
  attempt_timer_ = loop_.PostAfter(options_.connect_timeout + std::chrono::seconds(4), [this, gen] {
    attempt_timer_ = 0;
    OnConnectResult(gen, Status::Unavailable("CONNECT timed out"), 0);
  });
}

void ClientImpl::OnConnectResult(uint64_t generation, Status status, int receive_maximum) {
  if (generation != generation_ || state_ != ConnectionState::kConnecting || !link_) return;
  if (!status.ok()) {
    HandleFailure(status);
    return;
  }
  window_cap_ = std::max(1, std::min(receive_maximum - kRequestHeadroom, kMaxSendWindow));
  // The attempt timer keeps running until the subscription is in place.
  // One subscription serves every conversation: inbox and replies. Presence topics are outside
  // the namespace; they are subscribed once this one is in place.
  link_->Subscribe(protocol::UserPrefix(options_.username) + "#", [this, generation](Status s) {
    loop_.Post([this, generation, s] { OnSubscribed(generation, s); });
  });
}

void ClientImpl::OnSubscribed(uint64_t generation, Status status) {
  if (generation != generation_ || state_ != ConnectionState::kConnecting || !link_) return;
  loop_.Cancel(attempt_timer_);
  attempt_timer_ = 0;
  if (!status.ok()) {
    Retire(std::move(link_));  // drops the half-set-up connection
    HandleFailure(status);
    return;
  }
  reconnect_backoff_.Reset();
  SetState(ConnectionState::kSyncing);
  ResolveConnectWaiters(Status::Ok());
  // This user's own presence (their devices), then the watched users'.
  auto subscribe_presence = [this](const std::string& user) {
    link_->Subscribe(protocol::PresenceTopic(user), [this, user](Status s) {
      if (!s.ok()) Log("mqchat: presence of " + user + ": " + s.ToString());
    });
  };
  subscribe_presence(options_.username);
  for (const auto& user : watched_presence_) {
    if (user != options_.username) subscribe_presence(user);
  }
  StartSync();
}

void ClientImpl::OnLost(uint64_t generation, Status status) {
  // Also while still kConnecting: lost between CONNACK and SUBACK.
  if (generation != generation_ || state_ == ConnectionState::kDisconnected) return;
  Log("mqchat: " + status.ToString());
  Teardown(status);
  HandleFailure(status);
}

void ClientImpl::Teardown(Status reason) {
  ++generation_;  // late events of the old link are ignored
  loop_.Cancel(reconnect_timer_);
  loop_.Cancel(attempt_timer_);
  loop_.Cancel(sync_timer_);
  loop_.Cancel(pump_timer_);
  reconnect_timer_ = attempt_timer_ = sync_timer_ = pump_timer_ = 0;
  if (link_ && !want_connected_) {
    link_->Disconnect(kDisconnectTimeout);
    Retire(std::move(link_));
  }
  // Sends in flight are resent in outbox order on the next connection.
  for (auto& item : outbox_) item.req_id.clear();
  sync_in_flight_ = false;
  resync_ = false;
  FailPending(reason);
}

void ClientImpl::HandleFailure(Status status) {
  ++generation_;  // a late outcome of the failed attempt must not revive it
  loop_.Cancel(attempt_timer_);
  attempt_timer_ = 0;
  const bool retry = status.IsRetryable() && options_.auto_reconnect && want_connected_;
  ResolveConnectWaiters(status.IsRetryable() ? Status::Unavailable(status.message()) : status);
  if (!retry) {
    want_connected_ = false;
    Retire(std::move(link_));
    SetState(ConnectionState::kDisconnected, status);
    return;
  }
  SetState(ConnectionState::kConnecting, status);
  const auto delay = reconnect_backoff_.Next();
  Log("mqchat: " + status.ToString() + "; reconnecting in " + std::to_string(delay.count()) +
      " ms");
  reconnect_timer_ = loop_.PostAfter(delay, [this] {
    reconnect_timer_ = 0;
    if (want_connected_) StartAttempt();
  });
}

void ClientImpl::Retire(std::unique_ptr<MqttLink> link) {
  if (!link) return;
  link->BeginDisconnect();
  graveyard_.push_back(RetiredLink{std::move(link), EventLoop::Clock::now()});
  ScheduleSweep();
}

bool ClientImpl::SweepGraveyard(std::chrono::milliseconds grace) {
  // Paho times a CONNECT out after connect_timeout, checking every few seconds; a link that is
  // still not quiescent long after that is destroyed anyway rather than kept forever.
  const auto max_age = options_.connect_timeout + std::chrono::seconds(30);
  const auto now = EventLoop::Clock::now();
  for (auto it = graveyard_.begin(); it != graveyard_.end();) {
    MqttLink& link = *it->link;
    // A CONNECT given up on may still succeed: close that connection too.
    if (link.IsConnected()) link.BeginDisconnect();
    if (link.Quiescent(grace)) {
      it = graveyard_.erase(it);
    } else if (now - it->since > max_age) {
      Log("mqchat: destroying a retired MQTT client that is still busy");
      it = graveyard_.erase(it);
    } else {
      ++it;
    }
  }
  return graveyard_.empty();
}

void ClientImpl::ScheduleSweep() {
  if (sweep_timer_ != 0 || graveyard_.empty()) return;
  sweep_timer_ = loop_.PostAfter(kSweepInterval, [this] {
    sweep_timer_ = 0;
    SweepGraveyard(kRetiredGrace);
    ScheduleSweep();
  });
}

void ClientImpl::DrainGraveyard() {
  loop_.Cancel(sweep_timer_);
  sweep_timer_ = 0;
  const auto deadline = EventLoop::Clock::now() + kShutdownDrain;
  while (!SweepGraveyard(kShutdownGrace)) {
    if (EventLoop::Clock::now() >= deadline) {
      Log("mqchat: destroying " + std::to_string(graveyard_.size()) +
          " retired MQTT client(s) that are still busy");
      graveyard_.clear();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void ClientImpl::SetState(ConnectionState state, Status reason) {
  const ConnectionState old = state_.exchange(state);
  if (old == state && reason.ok()) return;
  dispatcher_.Emit(ConnectionEvent{state, std::move(reason)});
}

void ClientImpl::ResolveConnectWaiters(const Status& status) {
  auto waiters = std::move(connect_waiters_);
  connect_waiters_.clear();
  for (auto& w : waiters) w->set_value(status);
}

bool ClientImpl::IsUp() const {
  const ConnectionState s = state_.load();
  return link_ && (s == ConnectionState::kSyncing || s == ConnectionState::kOnline);
}

// --- Requests ----------------------------------------------------------------------------

Result<std::string> ClientImpl::StartRequest(protocol::Request request, ResponseHandler handler) {
  if (!IsUp()) return Status::Unavailable("not connected");
  request.req_id = ids_.ReqId();
  const std::string topic = protocol::RequestTopic(request.op, request.conversation_id);
  MQCHAT_RETURN_IF_ERROR(link_->Publish(topic, protocol::EncodeRequest(request)));
  const std::string req_id = request.req_id;
  PendingRequest pending;
  pending.op = request.op;
  pending.handler = std::move(handler);
  pending.timer = loop_.PostAfter(options_.request_timeout, [this, req_id] {
    auto it = pending_.find(req_id);
    if (it == pending_.end()) return;
    auto handler = std::move(it->second.handler);
    const std::string op(protocol::OpName(it->second.op));
    pending_.erase(it);
    handler(Status::Unavailable("no response to " + op + " within " +
                                std::to_string(options_.request_timeout.count()) + " ms"));
  });
  pending_.emplace(req_id, std::move(pending));
  return req_id;
}

void ClientImpl::OnResponse(const std::string& payload) {
  auto response = protocol::DecodeResponse(payload);
  if (!response.ok()) {
    Log("mqchat: ignoring a malformed response: " + response.status().ToString());
    return;
  }
  auto it = pending_.find(response->req_id);
  if (it == pending_.end()) {
    // A response to a request of an earlier connection (queued in the session). A send ack
    // still settles its outbox entry.
    if (response->ok && response->op == protocol::OpName(protocol::Op::kSend)) {
      auto ack = protocol::DecodeAck(response->body);
      if (ack.ok()) ApplyAck(*ack);
    }
    return;
  }
  PendingRequest pending = std::move(it->second);
  pending_.erase(it);
  loop_.Cancel(pending.timer);
  if (!response->ok) {
    pending.handler(protocol::ErrorToStatus(*response->error));
  } else {
    pending.handler(std::move(*response));
  }
}

void ClientImpl::FailPending(const Status& status) {
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [id, p] : pending) {
    loop_.Cancel(p.timer);
    p.handler(status);
  }
}

}  // namespace mqchat::sdk
