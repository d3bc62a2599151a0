#include "connection.h"

#include <utility>

#include "protocol/identity.h"
#include "protocol/presence.h"
#include "protocol/topics.h"

namespace mqchat::sdk {
namespace {

constexpr std::chrono::milliseconds kDisconnectTimeout{2000};

std::string NormalizeUri(const std::string& uri) {
  if (uri.rfind("mqtt://", 0) == 0) return "tcp://" + uri.substr(7);
  return uri;
}

std::vector<std::string> NormalizedUris(const ClientOptions& options) {
  std::vector<std::string> uris;
  for (const std::string& uri : options.ServerUris()) uris.push_back(NormalizeUri(uri));
  return uris;
}

}  // namespace

Connection::Connection(const ClientOptions& options, EventLoop& loop, EventDispatcher& dispatcher,
                       EngineLog log, ConnectionHooks hooks)
    : options_(options),
      uris_(NormalizedUris(options)),
      loop_(loop),
      dispatcher_(dispatcher),
      log_(log),
      hooks_(std::move(hooks)),
      password_(options.password),
      // Paho times a CONNECT out after connect_timeout, checking every few seconds; a link
      // still not quiescent long after that is destroyed anyway rather than kept forever.
      graveyard_(loop, options.connect_timeout + std::chrono::seconds(30), log),
      backoff_(options.reconnect_min, options.reconnect_max),
      token_thread_(options.token_provider ? std::make_unique<EventLoop>() : nullptr) {}

Connection::~Connection() {
  loop_.Cancel(reconnect_timer_);
  loop_.Cancel(attempt_timer_);
}

void Connection::SetPassword(std::string password) {
  MutexLock lock(password_mu_);
  password_ = std::move(password);
}

void Connection::BeginConnect(std::shared_ptr<std::promise<Status>> waiter) {
  want_connected_ = true;
  if (IsUp()) {
    waiter->set_value(Status::Ok());
    return;
  }
  connect_waiters_.push_back(std::move(waiter));
  if (state_ == ConnectionState::kDisconnected) {
    backoff_.Reset();
    StartAttempt();
  } else if (reconnect_timer_ != 0) {
    // Waiting out a backoff: the app asked explicitly, so try now.
    loop_.Cancel(reconnect_timer_);
    reconnect_timer_ = 0;
    StartAttempt();
  }
}

void Connection::Close(const Status& reason) {
  want_connected_ = false;
  Teardown(reason);
}

void Connection::FinishClose(const Status& reason) {
  ResolveConnectWaiters(reason);
  SetState(ConnectionState::kDisconnected);
}

void Connection::Redial(const Status& reason) {
  if (!want_connected_) return;
  log_("mqchat: " + reason.ToString() + "; reconnecting now");
  Teardown(reason);  // keeps link_: want_connected_
  graveyard_.Retire(std::move(link_));
  backoff_.Reset();
  StartAttempt();
}

LinkOptions Connection::MakeLinkOptions() {
  LinkOptions lo;
  lo.server_uri = uris_.empty() ? std::string() : uris_[uri_index_ % uris_.size()];
  lo.ca_file = options_.ca_file;
  lo.client_id = protocol::MakeClientId(options_.username, options_.device_id);
  lo.username = options_.username;
  {
    MutexLock lock(password_mu_);
    lo.password = password_;
  }
  lo.keepalive = options_.keepalive;
  lo.connect_timeout = options_.connect_timeout;
  lo.clean_start = !options_.persistent_session;
  lo.session_expiry_s =
      options_.persistent_session ? static_cast<uint32_t>(options_.session_expiry.count()) : 0;
  lo.will_topic = protocol::WillTopic(options_.username, options_.device_id);
  lo.will_payload = protocol::DeviceWillPayload();
  return lo;
}

void Connection::StartAttempt() {
  const uint64_t gen = ++generation_;
  SetState(ConnectionState::kConnecting);
  if (!token_thread_) return Dial(gen);
  const bool refused = token_refused_;
  auto fetch = [this, gen, refused] {
    Result<std::string> token = options_.token_provider(refused);
    loop_.Post([this, gen, token = std::move(token)]() mutable { OnToken(gen, std::move(token)); });
  };
  if (!token_thread_->Post(std::move(fetch))) {
    HandleFailure(Status::FailedPrecondition("the client is shutting down"));
  }
}

void Connection::OnToken(uint64_t generation, Result<std::string> token) {
  if (generation != generation_ || state_ != ConnectionState::kConnecting) return;
  if (!token.ok()) {
    // kUnavailable and the like: retried with the backoff; anything else ends like a refusal.
    const Status& s = token.status();
    HandleFailure(s.IsRetryable() ? s
                                  : Status::Unauthenticated("the token provider failed: " +
                                                            s.ToString()));
    return;
  }
  SetPassword(std::move(*token));
  Dial(generation);
}

void Connection::Dial(uint64_t gen) {
  const LinkOptions lo = MakeLinkOptions();
  LinkEvents events;
  events.on_connect = [this, gen](Status s, int receive_maximum) {
    loop_.Post([this, gen, s, receive_maximum] { OnConnectResult(gen, s, receive_maximum); });
  };
  events.on_lost = [this, gen](Status s) { loop_.Post([this, gen, s] { OnLost(gen, s); }); };
  events.on_message = hooks_.on_message;
  auto link = MqttLink::Create(lo, std::move(events));
  if (!link.ok()) {
    // A bad URI or client id: no retry can fix it.
    HandleFailure(Status::FailedPrecondition(link.status().message()));
    return;
  }
  // The previous attempt's link (failed, lost or given up on) waits in the graveyard until Paho
  // is done with it; destroying it now could race with Paho's threads.
  graveyard_.Retire(std::move(link_));
  link_ = std::move(*link);
  log_("mqchat: connecting to " + lo.server_uri + " as " + lo.client_id);
  link_->Connect();
  // Paho gives up on a CONNECT after ceil(connect_timeout) but checks only every 3 s, so this
  // fires after Paho's own timeout: a CONNECT we abandon is over and cannot complete later and
  // take over the session of a newer attempt.
  attempt_timer_ = loop_.PostAfter(options_.connect_timeout + std::chrono::seconds(4), [this, gen] {
    attempt_timer_ = 0;
    OnConnectResult(gen, Status::Unavailable("CONNECT timed out"), 0);
  });
}

void Connection::OnConnectResult(uint64_t generation, Status status, int receive_maximum) {
  if (generation != generation_ || state_ != ConnectionState::kConnecting || !link_) return;
  if (status.code() == Code::kUnauthenticated && token_thread_ && !token_refused_) {
    // The provider's token was refused (expired or revoked meanwhile): once, at once, with a
    // fresh one.
    log_("mqchat: " + status.ToString() + "; asking the token provider for a fresh token");
    token_refused_ = true;
    loop_.Cancel(attempt_timer_);
    attempt_timer_ = 0;
    graveyard_.Retire(std::move(link_));
    StartAttempt();
    return;
  }
  if (!status.ok()) {
    HandleFailure(status);
    return;
  }
  token_refused_ = false;
  if (hooks_.on_connected) hooks_.on_connected(receive_maximum);
  // The attempt timer keeps running until the subscription is in place.
  // One subscription serves every conversation: inbox and replies. Presence topics are outside
  // the namespace; they are subscribed once this one is in place.
  link_->Subscribe(protocol::UserPrefix(options_.username) + "#", [this, generation](Status s) {
    loop_.Post([this, generation, s] { OnSubscribed(generation, s); });
  });
}

void Connection::OnSubscribed(uint64_t generation, Status status) {
  if (generation != generation_ || state_ != ConnectionState::kConnecting || !link_) return;
  loop_.Cancel(attempt_timer_);
  attempt_timer_ = 0;
  if (!status.ok()) {
    graveyard_.Retire(std::move(link_));  // drops the half-set-up connection
    HandleFailure(status);
    return;
  }
  backoff_.Reset();
  SetState(ConnectionState::kSyncing);
  ResolveConnectWaiters(Status::Ok());
  // This user's own presence (their devices), then the watched users'.
  SubscribePresence(options_.username);
  for (const auto& user : watched_presence_) {
    if (user != options_.username) SubscribePresence(user);
  }
  if (hooks_.on_up) hooks_.on_up();
}

void Connection::SubscribePresence(const std::string& user) {
  link_->Subscribe(protocol::PresenceTopic(user), [this, user](Status s) {
    if (!s.ok()) log_("mqchat: presence of " + user + ": " + s.ToString());
  });
}

void Connection::WatchPresence(const std::string& user, std::function<void(Status)> done) {
  if (!IsUp()) return done(Status::Unavailable("not connected"));
  watched_presence_.insert(user);
  SubscribeWatched(
      protocol::PresenceTopic(user),
      [this, user](bool ok) {
        if (!ok) watched_presence_.erase(user);
      },
      std::move(done));
}

void Connection::WatchChannel(int64_t channel_id, std::function<void(Status)> done) {
  if (!IsUp()) return done(Status::Unavailable("not connected"));
  watched_channels_.insert(channel_id);
  SubscribeWatched(
      protocol::ChannelTopic(channel_id),
      [this, channel_id](bool ok) {
        if (!ok) watched_channels_.erase(channel_id);
      },
      std::move(done));
}

void Connection::UnwatchChannel(int64_t channel_id, std::function<void(Status)> done) {
  if (watched_channels_.erase(channel_id) == 0 || !IsUp()) return done(Status::Ok());
  link_->Unsubscribe(protocol::ChannelTopic(channel_id), [this, done](Status s) {
    if (!loop_.Post([done, s] { done(s); })) done(s);
  });
}

void Connection::ResubscribeChannels() {
  if (!IsUp()) return;
  for (int64_t id : watched_channels_) {
    link_->Subscribe(protocol::ChannelTopic(id), [this, id](Status s) {
      if (!s.ok()) log_("mqchat: channel " + std::to_string(id) + ": " + s.ToString());
    });
  }
}

void Connection::SubscribeWatched(const std::string& topic, std::function<void(bool ok)> keep,
                                  std::function<void(Status)> done) {
  link_->Subscribe(topic, [this, keep, done](Status s) {
    const bool posted = loop_.Post([keep, done, s] {
      keep(s.ok());
      done(s);
    });
    if (!posted) done(s);
  });
}

void Connection::OnLost(uint64_t generation, Status status) {
  // Also while still kConnecting: lost between CONNACK and SUBACK.
  if (generation != generation_ || state_ == ConnectionState::kDisconnected) return;
  log_("mqchat: " + status.ToString());
  Teardown(status);
  HandleFailure(status);
}

void Connection::Teardown(const Status& reason) {
  ++generation_;  // late events of the old link are ignored
  loop_.Cancel(reconnect_timer_);
  loop_.Cancel(attempt_timer_);
  reconnect_timer_ = attempt_timer_ = 0;
  if (link_ && !want_connected_) {
    link_->Disconnect(kDisconnectTimeout);
    graveyard_.Retire(std::move(link_));
  }
  if (hooks_.on_down) hooks_.on_down(reason);
}

void Connection::HandleFailure(Status status) {
  ++generation_;  // a late outcome of the failed attempt must not revive it
  loop_.Cancel(attempt_timer_);
  attempt_timer_ = 0;
  const bool retry = status.IsRetryable() && options_.auto_reconnect && want_connected_;
  const Status outcome = status.IsRetryable() ? Status::Unavailable(status.message()) : status;
  // The state first: a Connect() that returns this outcome then sees it in state().
  if (!retry) {
    want_connected_ = false;
    graveyard_.Retire(std::move(link_));
    SetState(ConnectionState::kDisconnected, status);
    ResolveConnectWaiters(outcome);
    return;
  }
  SetState(ConnectionState::kConnecting, status);
  ResolveConnectWaiters(outcome);
  // Its broker may be gone: the next attempt goes to the next one. What was in flight is
  // resent there by client_msg_id and missed messages come by sync (the engine's on_up).
  if (uris_.size() > 1) uri_index_ = (uri_index_ + 1) % uris_.size();
  const auto delay = backoff_.Next();
  log_("mqchat: " + status.ToString() + "; reconnecting in " + std::to_string(delay.count()) +
       " ms");
  reconnect_timer_ = loop_.PostAfter(delay, [this] {
    reconnect_timer_ = 0;
    if (want_connected_) StartAttempt();
  });
}

void Connection::SetState(ConnectionState state, Status reason) {
  const ConnectionState old = state_.exchange(state);
  if (old == state && reason.ok()) return;
  dispatcher_.Emit(ConnectionEvent{state, std::move(reason)});
}

void Connection::ResolveConnectWaiters(const Status& status) {
  auto waiters = std::move(connect_waiters_);
  connect_waiters_.clear();
  for (auto& w : waiters) w->set_value(status);
}

bool Connection::IsUp() const {
  const ConnectionState s = state_.load();
  return link_ && (s == ConnectionState::kSyncing || s == ConnectionState::kOnline);
}

Status Connection::Publish(const std::string& topic, const std::string& payload) {
  if (!IsUp()) return Status::Unavailable("not connected");
  return link_->Publish(topic, payload);
}

}  // namespace mqchat::sdk
