// Connection: the engine's link to the server. Owns the MQTT link of the current attempt (one
// MqttLink per attempt; those it is done with go to the LinkGraveyard), the connection state
// the app sees, reconnecting with backoff, the subscriptions (the user's namespace, their own
// presence and the watched users' presence) and the app's pending Connect() calls. Given several
// brokers, it moves to the next one whenever an attempt fails or the link is lost. It reports
// to the engine through ConnectionHooks: up (subscribed; sync starts), down (everything in
// flight on the link is void) and messages. Engine thread only, except SetPassword() and
// state() (any thread); on_message runs on Paho's threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "backoff.h"
#include "engine_log.h"
#include "event_dispatcher.h"
#include "event_loop.h"
#include "link_graveyard.h"
#include "mqchat/client_options.h"
#include "mqchat/events.h"
#include "mqtt_link.h"
#include "request_tracker.h"
#include "threads/mutex.h"

namespace mqchat::sdk {

struct ConnectionHooks {
  // CONNACK accepted, with the server's Receive Maximum (engine thread).
  std::function<void(int receive_maximum)> on_connected;
  // Subscribed: the state is kSyncing and Connect() calls have returned OK (engine thread).
  std::function<void()> on_up;
  // The link is gone (lost, or the app disconnected): what was in flight on it gets no answer.
  // Engine thread.
  std::function<void(const Status& reason)> on_down;
  // A message on any subscription. Paho thread: must be quick and must not call in here.
  std::function<void(std::string topic, std::string payload)> on_message;
};

class Connection : public RequestTransport {
 public:
  Connection(const ClientOptions& options, EventLoop& loop, EventDispatcher& dispatcher,
             EngineLog log, ConnectionHooks hooks);
  ~Connection() override;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Any thread.
  ConnectionState state() const { return state_.load(); }
  void SetPassword(std::string password);

  // The app wants to be connected: starts an attempt (or cuts a backoff wait short) unless up.
  // `waiter` gets OK once subscribed, or the failure of the attempt.
  void BeginConnect(std::shared_ptr<std::promise<Status>> waiter);
  // The app no longer wants to be connected: stops reconnecting, sends DISCONNECT and reports
  // the link down with `reason`. The state and Connect() waiters are settled by FinishClose.
  void Close(const Status& reason);
  // After Close: Connect() waiters get `reason`; the state becomes kDisconnected.
  void FinishClose(const Status& reason);
  // The network changed (Client::NetworkChanged): if the app wants to be connected, drops the
  // link of the old network (its DISCONNECT goes out if it still can, from the graveyard),
  // reports it down with `reason` and starts a new attempt at once, without backoff. Connect()
  // waiters wait for that attempt. Otherwise nothing.
  void Redial(const Status& reason);
  // The app wants to be connected (Connect, EnterForeground, a push fetch) and has not closed.
  bool WantsConnection() const { return want_connected_; }
  // At shutdown, after FinishClose: waits (bounded) for the retired links.
  void DrainRetired() { graveyard_.Drain(); }

  // Subscribed (kSyncing or kOnline).
  bool IsUp() const;
  void SetState(ConnectionState state, Status reason = Status::Ok());
  // Counts links and attempts: a value taken earlier differs once the link it belonged to is gone.
  uint64_t generation() const { return generation_; }
  // Subscribes to `user`'s presence, now and after every reconnect; `done` (engine thread)
  // gets the SUBACK outcome; on failure the user is not watched.
  void WatchPresence(const std::string& user, std::function<void(Status)> done);
  // Subscribes to a channel's topic (mqchat/v1/ch/<id>), now and after every reconnect; on a
  // refusal the channel is not watched.
  void WatchChannel(int64_t channel_id, std::function<void(Status)> done);
  // After a reconnect, once the broker has loaded this user's channel access (the engine asks
  // for `servers` first): subscribes to the watched channels again.
  void ResubscribeChannels();
  // Stops watching a channel: unsubscribes now if connected (`done` gets the UNSUBACK outcome)
  // and never subscribes to it again after a reconnect. Not watched: done(Ok) at once.
  void UnwatchChannel(int64_t channel_id, std::function<void(Status)> done);
  bool WatchesChannels() const { return !watched_channels_.empty(); }

  // RequestTransport: kUnavailable("not connected") unless IsUp().
  Status Publish(const std::string& topic, const std::string& payload) override;

 private:
  // A new attempt: a token from the provider first (if there is one), then Dial.
  void StartAttempt();
  void Dial(uint64_t generation);
  void OnToken(uint64_t generation, Result<std::string> token);
  LinkOptions MakeLinkOptions();
  void OnConnectResult(uint64_t generation, Status status, int receive_maximum);
  void OnSubscribed(uint64_t generation, Status status);
  void SubscribePresence(const std::string& user);
  // Subscribes to `topic` (the link is up); `keep` and `done` run on the engine thread with the
  // SUBACK outcome (`keep(false)` forgets a refused subscription).
  void SubscribeWatched(const std::string& topic, std::function<void(bool ok)> keep,
                        std::function<void(Status)> done);
  void OnLost(uint64_t generation, Status status);
  // A failed attempt or a lost connection: reconnect after backoff, or give up.
  void HandleFailure(Status status);
  void Teardown(const Status& reason);  // drops the link and reports it down
  void ResolveConnectWaiters(const Status& status);

  const ClientOptions& options_;
  const std::vector<std::string> uris_;  // options_.ServerUris(), normalized
  EventLoop& loop_;
  EventDispatcher& dispatcher_;
  EngineLog log_;
  ConnectionHooks hooks_;
  std::atomic<ConnectionState> state_{ConnectionState::kDisconnected};

  Mutex password_mu_;
  std::string password_ GUARDED_BY(password_mu_);

  // Engine thread only.
  LinkGraveyard graveyard_;
  std::unique_ptr<MqttLink> link_;
  uint64_t generation_ = 0;
  size_t uri_index_ = 0;  // the broker of the current (or next) attempt, in uris_
  bool want_connected_ = false;
  Backoff backoff_;
  EventLoop::TimerId reconnect_timer_ = 0;
  EventLoop::TimerId attempt_timer_ = 0;
  std::vector<std::shared_ptr<std::promise<Status>>> connect_waiters_;
  std::set<std::string> watched_presence_;
  std::set<int64_t> watched_channels_;
  // The server refused the provider's last token: the next attempt asks for a fresh one, and
  // a second refusal in a row stops connecting.
  bool token_refused_ = false;

  // Runs the token provider off the engine thread (null without a provider). Declared last:
  // destroyed first, waiting for a provider call still running.
  std::unique_ptr<EventLoop> token_thread_;
};

}  // namespace mqchat::sdk
