#include "app/plugin.h"

#include "protocol/presence.h"
#include "protocol/topics.h"
#include "push/push_requests.h"
#include "push/push_setup.h"
#include "store/store_factory.h"

namespace mqchat {

Result<std::unique_ptr<Plugin>> Plugin::Create(Config config, BrokerApi& broker,
                                               const Clock& clock) {
  std::unique_ptr<Plugin> plugin(new Plugin(std::move(config), broker, clock));
  MQCHAT_RETURN_IF_ERROR(plugin->Start());
  return plugin;
}

namespace {

presence::PresenceOptions PresenceOptionsFrom(const PresenceConfig& c) {
  presence::PresenceOptions o;
  o.grace_ms = c.grace_ms;
  o.min_interval_ms = c.min_interval_ms;
  return o;
}

}  // namespace

Plugin::Plugin(Config config, BrokerApi& broker, const Clock& clock)
    : config_(std::move(config)),
      broker_(broker),
      clock_(clock),
      presence_(PresenceOptionsFrom(config_.presence)) {}

Plugin::~Plugin() {
  shared_.reset();  // tells peers this broker's devices are gone
  if (refresher_) refresher_->Stop();
  if (chat_) chat_->Stop();
  if (push_) push_->Stop();  // after the writer, which wakes it
  waker_.reset();
}

Status Plugin::Start() {
  // First, before any thread exists that could post: init runs on the broker thread, which the
  // waker records as the thread to interrupt.
  waker_ = std::make_unique<MainThreadWaker>([this] { return !tasks_.Empty(); });
  tasks_.SetWaker([this] { waker_->Wake(); });

  // Init runs before the broker's loop starts, so loading synchronously here blocks no client.
  MQCHAT_ASSIGN_OR_RETURN(auto store, store::OpenAccountStore(config_.store));
  auto loaded = auth::RefreshOnce(*store, directory_);
  if (!loaded.ok()) return loaded.status().WithContext("loading users");
  broker_.Log(LogLevel::kNotice, "mqchat: loaded " + std::to_string(directory_.size()) +
                                     " users from the store");

  auth::JwtKeys keys{config_.auth.jwt_hs256_secret, config_.auth.jwt_rs256_public_key_pem};
  auth::JwtPolicy policy{config_.auth.jwt_issuer, config_.auth.jwt_audience,
                         config_.auth.jwt_leeway_s};
  auto verifier = auth::JwtVerifier::Create(std::move(keys), std::move(policy));
  if (!verifier.ok()) return verifier.status().WithContext("JWT configuration");
  authenticator_ = std::make_unique<auth::Authenticator>(config_.auth, directory_,
                                                         std::move(*verifier), clock_);

  auth::DirectoryRefresher::Callbacks callbacks;
  callbacks.on_revoked = [this](std::vector<std::string> usernames) {
    tasks_.Post([this, usernames = std::move(usernames)] {
      for (const auto& name : usernames) {
        broker_.Log(LogLevel::kNotice, "mqchat: access revoked for '" + name + "'");
        broker_.KickUser(name);
      }
    });
  };
  callbacks.on_store_error = [this](const Status& status) {
    tasks_.Post([this, status] {
      broker_.Log(LogLevel::kWarning,
                  "mqchat: user refresh failed, serving the last known users: " +
                      status.ToString());
    });
  };
  callbacks.on_store_recovered = [this] {
    tasks_.Post([this] { broker_.Log(LogLevel::kNotice, "mqchat: user refresh recovered"); });
  };
  refresher_ = std::make_unique<auth::DirectoryRefresher>(
      std::move(store), directory_, config_.auth.user_refresh_ms, std::move(callbacks));

  if (!config_.presence.redis_url.empty()) {
    auto address = presence::ParseRedisAddress(config_.presence.redis_url);
    if (!address.ok()) return address.status().WithContext("plugin_opt_redis_url");
    presence::ClusterBus::Callbacks shared;
    shared.on_remote = [this](int broker, const std::string& user, int devices) {
      tasks_.Post([this, broker, user, devices] {
        RemoteDevicesChanged(user, remote_.Set(broker, user, devices));
      });
    };
    shared.on_broker_gone = [this](int broker) {
      tasks_.Post([this, broker] {
        broker_.Log(LogLevel::kNotice,
                    "mqchat: broker " + std::to_string(broker) + " is gone from shared presence");
        for (const auto& [user, total] : remote_.DropBroker(broker)) {
          RemoteDevicesChanged(user, total);
        }
      });
    };
    shared.on_routed = [this](const std::string& user, std::string payload) {
      tasks_.Post([this, user, payload = std::move(payload)]() mutable {
        OutgoingMessage msg;
        msg.topic = protocol::InboxTopic(user);
        msg.payload = std::move(payload);
        msg.qos = 1;
        Status s = broker_.Publish(msg);
        if (!s.ok()) broker_.Log(LogLevel::kWarning, "mqchat: routed delivery: " + s.ToString());
      });
    };
    shared.on_log = [this](const std::string& message) {
      tasks_.Post([this, message] { broker_.Log(LogLevel::kWarning, "mqchat: " + message); });
    };
    shared_ = std::make_unique<presence::ClusterBus>(
        *address, config_.node_id, config_.presence.redis_ttl_s, std::move(shared));
  }


  MQCHAT_ASSIGN_OR_RETURN(auto writer_store, store::OpenChatStore(config_.store));
  // One connection per reader worker, opened one after another on this thread. Each open checks
  // the schema version; the account store above already migrated it (under the migrators' lock).
  std::vector<store::ChatStorePtr> reader_stores;
  for (int i = 0; i < config_.store_readers; ++i) {
    MQCHAT_ASSIGN_OR_RETURN(auto reader_store, store::OpenChatStore(config_.store));
    reader_stores.push_back(std::move(reader_store));
  }
  // Read before the writer thread owns the store; fed to the generator before any request.
  auto max_issued = writer_store->MaxIssuedId();
  if (!max_issued.ok()) return max_issued.status().WithContext("reading the largest stored id");
  chat::ChatOptions chat_options;
  chat_options.node_id = config_.node_id;
  chat_options.max_group_members = config_.max_group_members;
  chat_options.max_message_chars = static_cast<size_t>(config_.max_message_chars);
  chat_options.typing_per_minute = config_.presence.typing_per_minute;
  MQCHAT_ASSIGN_OR_RETURN(auto push, push::SetUpPush(config_, presence_, clock_, tasks_, broker_));
  push_ = std::move(push.worker);
  chat::ChatDeps chat_deps{broker_, tasks_, clock_};
  chat_deps.devices = &devices_;
  // Gives the writer &presence_ for push recipients.
  chat_deps.push = std::make_unique<push::PushRequests>(std::move(push.chat));
  chat_deps.members_changed = [this](const std::vector<std::string>& members) {
    AddContacts(members);
  };
  if (shared_) {
    chat_deps.inbox_hook = [this](const std::string& user, const std::string& payload) {
      for (int broker : remote_.Brokers(user)) shared_->Route(broker, user, payload);
    };
  }
  chat_ = std::make_unique<chat::ChatService>(chat_options, std::move(chat_deps),
                                              std::move(writer_store), std::move(reader_stores));
  // A clock that stepped back across a restart must not make ids come again.
  chat_->ids().ObserveIssued(*max_issued);
  return Status::Ok();
}

Status Plugin::OnBasicAuth(ClientHandle client, const auth::LoginRequest& request,
                           int protocol_version) {
  auto result = authenticator_->Authenticate(request);
  if (!result.ok()) {
    broker_.Log(LogLevel::kNotice, "mqchat: refused client '" + std::string(request.client_id) +
                                       "' from " + std::string(request.address) + ": " +
                                       result.status().message());
    return result.status();
  }
  if (result->method == auth::LoginMethod::kToken && !directory_.Lookup(result->username)) {
    chat_->EnsureUser(result->username);  // so others can open conversations with them
  }
  sessions_[client] = chat::ClientSession{result->username, result->device_id,
                                          std::string(request.client_id), protocol_version};
  const std::string& user = result->username;
  devices_.Add(user, std::string(request.client_id), client);
  presence_.DeviceConnected(user, clock_.NowMs());
  LocalDevicesChanged(user);
  if (presence_.LocalDevices(user) == 1) {
    // Their first device here. Queued on the user's reader (which runs all their reads) before
    // any request this client can send, so the contacts are known by the time its first
    // conversations/sync answer tells the client who they are.
    chat_->LoadContacts(user, [this, user](chat::ChatService::Contacts loaded) {
      if (loaded.empty() || presence_.LocalDevices(user) == 0) return;  // none, or gone again
      auto [it, added] = contacts_.try_emplace(user);
      if (added) {
        it->second = std::move(loaded);
      } else {
        it->second.insert(loaded.begin(), loaded.end());
      }
    });
  }
  return Status::Ok();
}

bool Plugin::OnAclCheck(ClientHandle client, std::string_view topic, acl::Access access,
                        bool retain) {
  auto it = sessions_.find(client);
  if (it == sessions_.end()) {
    // The will of a client that just disconnected: it lost its connection uncleanly.
    auto gone = just_disconnected_.find(client);
    if (gone != just_disconnected_.end() && access == acl::Access::kWrite &&
        topic == protocol::WillTopic(gone->second.username, gone->second.device_id)) {
      presence_.MarkUnclean(gone->second.username, clock_.NowMs());
    }
    return false;  // wills are signals to the plugin, not messages for anyone
  }
  auto contacts = contacts_.find(it->second.username);
  acl::Principal who{it->second.username, it->second.device_id,
                     contacts == contacts_.end() ? nullptr : &contacts->second};
  return acl::Allowed(who, topic, access, retain);
}

Plugin::MessageVerdict Plugin::OnMessage(ClientHandle client, std::string_view topic,
                                         std::string_view payload,
                                         std::string_view response_topic,
                                         std::string_view correlation_data) {
  if (!chat::ChatService::IsRequestTopic(topic)) return MessageVerdict::kPass;
  auto it = sessions_.find(client);
  if (it == sessions_.end()) return MessageVerdict::kRefused;
  return chat_->OnRequest(it->second, topic, payload, response_topic, correlation_data)
             ? MessageVerdict::kAccepted
             : MessageVerdict::kRefused;
}

void Plugin::OnDisconnect(ClientHandle client) {
  auto it = sessions_.find(client);
  if (it == sessions_.end()) return;  // refused at auth, or already handled (fires twice)
  const std::string user = it->second.username;
  just_disconnected_.emplace(client, std::move(it->second));
  sessions_.erase(it);
  devices_.Remove(user, client);
  presence_.DeviceDisconnected(user, clock_.NowMs());
  LocalDevicesChanged(user);
  if (presence_.LocalDevices(user) == 0) contacts_.erase(user);
}

void Plugin::AddContacts(const std::vector<std::string>& members) {
  for (const auto& a : members) {
    if (presence_.LocalDevices(a) == 0) continue;  // only connected users keep contacts
    for (const auto& b : members) {
      if (a != b) contacts_[a].insert(b);
    }
  }
}

void Plugin::LocalDevicesChanged(const std::string& user) {
  if (shared_) shared_->LocalChanged(user, presence_.LocalDevices(user));
}

void Plugin::RemoteDevicesChanged(const std::string& user, int total) {
  presence_.SetRemoteDevices(user, total, clock_.NowMs());
}

void Plugin::OnTick() {
  tasks_.RunPending();
  just_disconnected_.clear();
  if (presence_.HasPending() || clock_.MonotonicMs() >= next_presence_refresh_ms_) {
    const int64_t now = clock_.NowMs();
    for (const auto& change : presence_.Poll(now)) PublishPresence(change);
    RefreshOnlinePresence();
  }
}

void Plugin::PublishPresence(const presence::PresenceState& state) {
  OutgoingMessage msg;
  msg.topic = protocol::PresenceTopic(state.user);
  // While online, last_seen is the moment of publishing.
  const int64_t last_seen = state.online ? clock_.NowMs() : state.last_seen_ms;
  msg.payload = protocol::EncodePresence(
      protocol::WirePresence{state.user, state.online, last_seen, state.devices});
  msg.qos = 1;
  msg.retain = true;
  // "online" expires unless refreshed, so a crashed broker cannot leave users online forever;
  // "offline" stays (it carries last_seen).
  if (state.online) msg.message_expiry_s = static_cast<uint32_t>(config_.presence.online_expiry_s);
  Status s = broker_.Publish(msg);
  if (!s.ok()) broker_.Log(LogLevel::kWarning, "mqchat: presence of " + state.user + ": " + s.ToString());
}

void Plugin::RefreshOnlinePresence() {
  const int64_t mono = clock_.MonotonicMs();
  if (mono < next_presence_refresh_ms_) return;
  // Re-publish at half the expiry; the first call only schedules.
  const int64_t period = static_cast<int64_t>(config_.presence.online_expiry_s) * 500;
  if (next_presence_refresh_ms_ != 0) {
    for (const auto& user : presence_.OnlineUsers()) {
      PublishPresence(presence_.Current(user));
    }
  }
  next_presence_refresh_ms_ = mono + period;
}


}  // namespace mqchat
