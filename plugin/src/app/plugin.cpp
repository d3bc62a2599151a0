#include "app/plugin.h"

#include <utility>

#include "metrics/instruments.h"
#include "protocol/send_topic.h"
#include "protocol/topics.h"

namespace mqchat {

Result<std::unique_ptr<Plugin>> Plugin::Create(Config config, BrokerApi& broker,
                                               const Clock& clock) {
  std::unique_ptr<Plugin> plugin(new Plugin(std::move(config), broker, clock));
  MQCHAT_RETURN_IF_ERROR(plugin->Start());
  return plugin;
}

Plugin::Plugin(Config config, BrokerApi& broker, const Clock& clock)
    : config_(std::move(config)), broker_(broker), clock_(clock) {}

Plugin::~Plugin() {
  metrics_server_.reset();  // no scrape reads what is stopped below
  metrics::GlobalRegistry().ClearSampled();
  if (presence_) presence_->StopSharing();  // tells peers this broker's devices are gone
  if (auth_.refresher) auth_.refresher->Stop();
  if (retention_) retention_->Stop();
  if (chat_) chat_->Stop();
  if (push_) push_->Stop();  // after the writer, which wakes it
  waker_.reset();
}

Status Plugin::Start() {
  // First, before any thread exists that could post: init runs on the broker thread, which the
  // waker records as the thread to interrupt.
  waker_ = std::make_unique<MainThreadWaker>([this] { return !tasks_.Empty(); });
  tasks_.SetWaker([this] { waker_->Wake(); });

  MQCHAT_ASSIGN_OR_RETURN(auth_, app::BuildAuth(config_, broker_, tasks_, clock_,
                                                [this](const store::BrokerNotice& notice) {
                                                  ApplyNotice(notice);
                                                }));
  MQCHAT_ASSIGN_OR_RETURN(
      presence_, presence::PresenceService::Create(config_.presence, config_.node_id, broker_,
                                                   tasks_, clock_));
  MQCHAT_ASSIGN_OR_RETURN(auto push,
                          app::BuildPush(config_, presence_->online(), clock_, tasks_, broker_));
  push_ = std::move(push.worker);
  // A block made through this broker: applied here at once, and on the other brokers.
  auto block_changed = [this](const std::string& blocker, const std::string& blocked,
                              bool blocked_now) {
    ApplyBlock(blocker, blocked, blocked_now);
    presence_->ShareBlock(blocker, blocked, blocked_now);
  };
  MQCHAT_ASSIGN_OR_RETURN(chat_, app::BuildChat(config_, broker_, tasks_, clock_,
                                                std::move(push.chat), *presence_, sessions_,
                                                std::move(block_changed)));
  MQCHAT_ASSIGN_OR_RETURN(retention_,
                          app::StartRetentionSweeper(config_, clock_, tasks_, broker_));
  MQCHAT_RETURN_IF_ERROR(StartMetrics());
  presence_->SetMembersListener(
      [this](const std::vector<std::string>& members) { sessions_.AddMembers(members); });
  presence_->SetBlockListener([this](const std::string& blocker, const std::string& blocked,
                                     bool blocked_now) {
    ApplyBlock(blocker, blocked, blocked_now);
  });
  if (community::ChannelDelivery* channels = chat_->channels()) WireChannels(*channels);
  if (push_) {  // a callee with no device online is rung by push (push/call_push.h)
    const presence::OnlineDirectory* online = &presence_->online();
    push::PushWorker* worker = push_.get();
    chat_->calls().SetPush({[online](const std::string& user) { return online->IsOnline(user); },
                            [worker](push::CallNotice n) { worker->PushCall(std::move(n)); }});
  }
  if (presence_->shared()) {  // calls across brokers (call/call_relay.h)
    chat_->calls().SetRelay(
        {config_.node_id,
         [this](int broker, std::string envelope) { presence_->RouteCall(broker, envelope); },
         [this](const std::string& user) { return presence_->BrokersOf(user); }});
    presence_->SetCallListener(
        [this](std::string envelope) { chat_->calls().OnRelayed(envelope); });
  }
  return Status::Ok();
}

Status Plugin::StartMetrics() {
  if (config_.metrics_listen.empty()) return Status::Ok();
  MQCHAT_ASSIGN_OR_RETURN(auto address, metrics::ParseListenAddress(config_.metrics_listen));
  chat::ChatService* chat = chat_.get();
  health_ = std::make_unique<metrics::HealthProbe>(
      config_, clock_, [chat] { return chat->QueuedWrites(); }, chat->MaxQueue());
  auto& registry = metrics::GlobalRegistry();
  metrics::Get();  // every instrument registered, so the first scrape shows them all (at 0)
  registry.SetSampledGauge("mqchat_store_queue_depth", "Jobs waiting for the store writer.",
                           [chat] { return static_cast<double>(chat->QueuedWrites()); });
  if (presence_->shared()) {  // without Redis there is no bus to be down
    const presence::PresenceService* presence = presence_.get();
    registry.SetSampledGauge("mqchat_bus_connected",
                             "1 while the Redis bus (shared presence, routing) is connected.",
                             [presence] { return presence->BusConnected() ? 1.0 : 0.0; });
  }
  metrics::HealthProbe* health = health_.get();
  auto started = metrics::MetricsServer::Start(
      address, registry,
      {[health] { return health->Live(); }, [health] { return health->Ready(); }});
  if (!started.ok()) {
    return Status::InvalidArgument("plugin_opt_metrics_listen: " + started.status().message());
  }
  metrics_server_ = std::move(started).value();
  broker_.Log(LogLevel::kNotice, "mqchat: metrics and health on " + config_.metrics_listen);
  return Status::Ok();
}

void Plugin::WireChannels(community::ChannelDelivery& channels) {
  // Changes and channel messages of this broker go to the others; theirs come here.
  channels.SetBusHooks({[this](int64_t server, const std::string& user) {
                          presence_->ShareCommunityChange(server, user);
                        },
                        [this](int64_t channel, const std::string& payload, int qos) {
                          presence_->ShareChannelMessage(channel, payload, qos);
                        }});
  presence_->SetChannelListener(
      {[&channels](int64_t server, const std::string& user) {
         channels.ChangedElsewhere(server, user);
       },
       [&channels](int64_t channel, const std::string& payload, int qos) {
         channels.PublishLocal(channel, payload, qos);
       }});
}

Status Plugin::OnBasicAuth(ClientHandle client, const auth::LoginRequest& request,
                           int protocol_version) {
  auto result = auth_.authenticator->Authenticate(request);
  auto& m = metrics::Get();
  if (!result.ok()) {
    // Refused credentials are 0x87 (kUnauthenticated); anything else is load (busy, throttled).
    m.auth.With({result.status().code() == Code::kUnauthenticated ? "refused" : "busy"}).Inc();
    LogRefusal(request, result.status());
    return result.status();
  }
  const std::string& user = result->username;
  // One account cannot hold the broker's memory with endless devices; a takeover of a device
  // already connected (the same client id) is not a new device.
  const int max_devices = config_.auth.max_devices_per_user;
  if (max_devices > 0 &&
      sessions_.devices().OtherDevices(user, std::string(request.client_id)).size() >=
          static_cast<size_t>(max_devices)) {
    Status over = Status::Unauthenticated("user already has " + std::to_string(max_devices) +
                                          " devices connected (plugin_opt_max_devices_per_user)");
    m.auth.With({"refused"}).Inc();
    LogRefusal(request, over);
    return over;
  }
  if (result->method == auth::LoginMethod::kToken && !auth_.directory->Lookup(user)) {
    chat_->EnsureUser(user);  // so others can open conversations with them
  }
  sessions_.Admit(client, session::ClientSession{user, result->device_id,
                                                 std::string(request.client_id),
                                                 protocol_version});
  presence_->DeviceConnected(user);
  m.auth.With({"ok"}).Inc();
  m.connected_devices.Add(1);
  m.connected_users.Set(static_cast<int64_t>(sessions_.devices().users()));
  // For every device, not only a user's first here: the store is the truth, and a set this
  // broker holds may lack a conversation whose bus notice was lost (Redis down). Queued on the
  // user's reader (which runs all their reads) before any request this client can send, so
  // the contacts are known by the time its first conversations/sync answer tells the client
  // who they are.
  LoadContacts(user);
  if (chat_->channels() != nullptr) chat_->channels()->UserConnected(user);
  return Status::Ok();
}

void Plugin::LoadContacts(const std::string& user) {
  contact_retries_.erase(user);
  const uint64_t version = sessions_.hidden().Version(user);
  chat_->LoadContacts(user, [this, user, version](Result<chat::ChatService::LoadedContacts> loaded) {
    if (loaded.ok() && sessions_.hidden().Version(user) != version) {
      // A block or unblock (or a new connection) since the load began: it may have read the
      // store before that change, so it cannot be trusted; a new load can.
      if (sessions_.devices().Connections(user) > 0) LoadContacts(user);
    } else if (loaded.ok()) {
      sessions_.AddContacts(user, std::move(loaded->contacts), std::move(loaded->hidden));
    } else if (sessions_.devices().Connections(user) > 0) {
      contact_retries_[user] = clock_.MonotonicMs() + kContactRetryMs;  // the store is down
    }
  });
}

void Plugin::ApplyBlock(const std::string& blocker, const std::string& blocked,
                        bool blocked_now) {
  if (blocked_now) return sessions_.Hide(blocker, blocked);
  // Whether they may watch each other again (a conversation shared, no block the other way)
  // is the store's to say.
  for (const auto& user : sessions_.Unhide(blocker, blocked)) LoadContacts(user);
}

void Plugin::RetryContactLoads() {
  const int64_t now = clock_.MonotonicMs();
  std::vector<std::string> due;
  for (const auto& [user, at] : contact_retries_) {
    if (at <= now) due.push_back(user);
  }
  for (const auto& user : due) {
    if (sessions_.devices().Connections(user) > 0) {
      LoadContacts(user);
    } else {
      contact_retries_.erase(user);
    }
  }
}

void Plugin::LogRefusal(const auth::LoginRequest& request, const Status& status) {
  uint64_t dropped = 0;
  if (!refusal_log_.Allow(clock_.MonotonicMs(), &dropped)) return;
  if (dropped > 0) {
    broker_.Log(LogLevel::kNotice, "mqchat: " + std::to_string(dropped) +
                                       " more refused clients not logged (over " +
                                       std::to_string(kRefusalLogLinesPerS) + " lines/s)");
  }
  broker_.Log(LogLevel::kNotice, "mqchat: refused client '" + std::string(request.client_id) +
                                     "' from " + std::string(request.address) + ": " +
                                     status.message());
}

bool Plugin::OnAclCheck(ClientHandle client, std::string_view topic, acl::Access access,
                        bool retain) {
  if (access == acl::Access::kWrite && chat_->send_limits().puback_refusal() &&
      protocol::IsSendTopic(topic)) {
    // A send while this client was told to wait: refused here, cheaply (MQTT 5 PUBACK 0x87,
    // MESSAGE never runs). A 3.1.1 client would take its plain PUBACK for success.
    const session::ClientSession* who = sessions_.Find(client);
    if (who != nullptr && who->protocol_version == 5 &&
        chat_->send_limits().ClientClosedMs(who->client_id, clock_.MonotonicMs()) > 0) {
      ++puback_refusals_;
      return false;
    }
  }
  if (auto who = sessions_.Principal(client)) {
    if (chat_->channels() != nullptr && protocol::ChannelTopicId(topic)) {
      who->channels = chat_->channels()->ViewableSet(std::string(who->username));
    }
    return acl::Allowed(*who, topic, access, retain);
  }
  // The will of a client that just disconnected: it lost its connection uncleanly.
  if (access == acl::Access::kWrite) {
    if (const auto* gone = sessions_.DepartedWill(client, topic)) {
      presence_->MarkUnclean(gone->username);
    }
  }
  return false;  // wills are signals to the plugin, not messages for anyone
}

Plugin::MessageVerdict Plugin::OnMessage(ClientHandle client, std::string_view topic,
                                         std::string_view payload, std::string_view response_topic,
                                         std::string_view correlation_data) {
  if (!chat::ChatService::IsRequestTopic(topic)) return MessageVerdict::kPass;
  const session::ClientSession* who = sessions_.Find(client);
  if (who == nullptr) return MessageVerdict::kRefused;
  return chat_->OnRequest(*who, topic, payload, response_topic, correlation_data)
             ? MessageVerdict::kAccepted
             : MessageVerdict::kRefused;
}

void Plugin::OnDisconnect(ClientHandle client) {
  if (const session::ClientSession* who = sessions_.Find(client)) {
    chat_->calls().DeviceGone(who->client_id);  // a device that drops leaves its call
  }
  auto user = sessions_.Disconnect(client);
  if (!user) return;  // refused at auth, or already handled (fires twice)
  presence_->DeviceDisconnected(*user);
  metrics::Get().connected_devices.Add(-1);
  metrics::Get().connected_users.Set(static_cast<int64_t>(sessions_.devices().users()));
  if (chat_->channels() != nullptr && sessions_.devices().Connections(*user) == 0) {
    chat_->channels()->UserGone(*user);
  }
}

void Plugin::OnTick() {
  if (health_) health_->Ticked();
  tasks_.RunPending();
  sessions_.EndOfLoop();
  presence_->OnTick();
  chat_->calls().OnTick();  // ring timeouts
  if (!contact_retries_.empty()) RetryContactLoads();
}

}  // namespace mqchat
