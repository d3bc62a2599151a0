// Plugin: the composition root. Builds every module from Config in Start (with app/wiring.h),
// owns them, and exposes one method per broker event, each delegating to the modules that own
// the concept: sessions (SessionRegistry), presence (PresenceService), logins
// (auth::Authenticator), requests (chat::ChatService). The extern "C" entry translates
// mosquitto structs into these calls. Broker thread only, except where a member says otherwise.
#pragma once

#include <map>
#include <memory>
#include <string_view>

#include "acl/acl.h"
#include "app/wiring.h"
#include "auth/authenticator.h"
#include "broker/broker_api.h"
#include "chat/chat_service.h"
#include "config/config.h"
#include "metrics/health.h"
#include "metrics/metrics_server.h"
#include "mqchat/status.h"
#include "presence/presence_service.h"
#include "push/push_worker.h"
#include "session/client_session.h"
#include "session/session_registry.h"
#include "util/broker_task_queue.h"
#include "util/clock.h"
#include "util/log_limiter.h"
#include "util/main_thread_waker.h"

namespace mqchat {

using session::ClientHandle;

class Plugin {
 public:
  // Opens and migrates the store, loads the user directory and starts background threads.
  // `broker` and `clock` must outlive the plugin.
  static Result<std::unique_ptr<Plugin>> Create(Config config, BrokerApi& broker,
                                                const Clock& clock);
  ~Plugin();  // stops and joins every thread
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  // BASIC_AUTH. OK admits the client; on failure the reason has been logged (at most
  // kRefusalLogLinesPerS lines a second, so a connection flood is not also a log flood).
  Status OnBasicAuth(ClientHandle client, const auth::LoginRequest& request, int protocol_version);
  // ACL_CHECK for a client admitted by OnBasicAuth (unknown handles are denied).
  bool OnAclCheck(ClientHandle client, std::string_view topic, acl::Access access, bool retain);
  // MESSAGE: a client's PUBLISH that passed the WRITE ACL.
  enum class MessageVerdict { kPass, kAccepted, kRefused };
  MessageVerdict OnMessage(ClientHandle client, std::string_view topic, std::string_view payload,
                           std::string_view response_topic, std::string_view correlation_data);
  // DISCONNECT; idempotent (the broker may report one client twice).
  void OnDisconnect(ClientHandle client);
  // TICK: runs work that other threads handed to the broker thread, publishes due presence.
  void OnTick();

  // Thread-safe: the queue background threads post broker-thread work to.
  BrokerTaskQueue& tasks() { return tasks_; }
  const auth::AuthStats& auth_stats() const { return auth_.authenticator->stats(); }
  size_t connected_clients() const { return sessions_.size(); }

 private:
  Plugin(Config config, BrokerApi& broker, const Clock& clock);
  Status Start();
  // Loads `user`'s contacts and blocks from the store (on their reader) into sessions_; a
  // failed load is retried every kContactRetryMs while they have a device here, and a load
  // that overlapped a block change is made again.
  void LoadContacts(const std::string& user);
  void RetryContactLoads();
  // A block (`blocked_now`) or unblock committed, through this broker or another: neither user
  // may watch the other from now on, or their contacts are loaded again.
  void ApplyBlock(const std::string& blocker, const std::string& blocked, bool blocked_now);
  static constexpr int64_t kContactRetryMs = 1000;

  // A broker notice another process left in the store (store/broker_notices.h), read by the
  // directory refresher; applied here on the broker thread (plugin_notices.cpp).
  void ApplyNotice(const store::BrokerNotice& notice);
  // A kProfile notice: the profile event to the inboxes of the user and of those here who may
  // watch them (SessionRegistry::Watchers), on this broker only (every broker reads the notice).
  void PublishProfile(const store::BrokerNotice& notice);

  void LogRefusal(const auth::LoginRequest& request, const Status& status);
  // Starts the metrics listener when configured; sampled gauges read chat_ and sessions_.
  Status StartMetrics();
  // Channel delivery (issue 18) over the ClusterBus: both directions.
  void WireChannels(community::ChannelDelivery& channels);

  static constexpr int kRefusalLogLinesPerS = 20;

  // Declared in the order Start builds them: each may hold references to those above it.
  const Config config_;
  BrokerApi& broker_;
  const Clock& clock_;
  BrokerTaskQueue tasks_;
  std::unique_ptr<MainThreadWaker> waker_;
  app::AuthModule auth_;
  std::unique_ptr<presence::PresenceService> presence_;
  session::SessionRegistry sessions_;
  std::unique_ptr<push::PushWorker> push_;  // null unless plugin_opt_push_gateway_url is set
  std::unique_ptr<chat::ChatService> chat_;
  std::unique_ptr<retention::RetentionSweeper> retention_;  // removes expired messages
  // The operators' listener (plugin_opt_metrics_listen); both null when it is off.
  std::unique_ptr<metrics::HealthProbe> health_;
  std::unique_ptr<metrics::MetricsServer> metrics_server_;
  // Users whose contact load failed -> when (monotonic ms) to try again.
  std::map<std::string, int64_t> contact_retries_;

  LogLimiter refusal_log_{kRefusalLogLinesPerS};
  uint64_t puback_refusals_ = 0;  // sends refused in the ACL check (a client told to wait)
};

}  // namespace mqchat
