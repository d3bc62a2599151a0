#include "presence/presence_service.h"

#include <utility>

#include "metrics/instruments.h"
#include "presence/redis_handles.h"
#include "protocol/presence.h"
#include "protocol/topics.h"

namespace mqchat::presence {
namespace {

PresenceOptions TrackerOptions(const PresenceConfig& c) {
  PresenceOptions o;
  o.grace_ms = c.grace_ms;
  o.min_interval_ms = c.min_interval_ms;
  return o;
}

}  // namespace

Result<RedisAddress> SharedRedisAddress(const PresenceConfig& config) {
  if (!config.redis_sentinels.empty()) {
    auto address = ParseRedisSentinels(config.redis_sentinels, config.redis_master_name);
    if (!address.ok()) return address.status().WithContext("plugin_opt_redis_sentinels");
    return address;
  }
  auto address = ParseRedisAddress(config.redis_url);
  if (!address.ok()) return address.status().WithContext("plugin_opt_redis_url");
  return address;
}

Result<std::unique_ptr<PresenceService>> PresenceService::Create(const PresenceConfig& config,
                                                                 int node_id, BrokerApi& broker,
                                                                 BrokerTaskQueue& tasks,
                                                                 const Clock& clock) {
  std::unique_ptr<PresenceService> service(new PresenceService(config, broker, clock));
  if (config.shared()) {
    auto address = SharedRedisAddress(config);
    if (!address.ok()) return address.status();
    service->bus_ = std::make_unique<ClusterBus>(*address, node_id, config.redis_ttl_s,
                                                 config.advertise_urls,
                                                 service->BusCallbacks(tasks));
  }
  return service;
}

PresenceService::PresenceService(const PresenceConfig& config, BrokerApi& broker,
                                 const Clock& clock)
    : config_(config), broker_(broker), clock_(clock), tracker_(TrackerOptions(config)) {}

ClusterBus::Callbacks PresenceService::BusCallbacks(BrokerTaskQueue& tasks) {
  ClusterBus::Callbacks callbacks;
  callbacks.on_remote = [this, &tasks](int broker, const std::string& user, int devices) {
    tasks.Post([this, broker, user, devices] {
      RemoteDevicesChanged(user, remote_.Set(broker, user, devices));
    });
  };
  callbacks.on_broker_state = [this, &tasks](int broker, std::map<std::string, int> users) {
    tasks.Post([this, broker, users = std::move(users)] {
      for (const auto& [user, total] : remote_.Replace(broker, users)) {
        RemoteDevicesChanged(user, total);
      }
    });
  };
  callbacks.on_members = [this, &tasks](std::vector<std::string> members) {
    tasks.Post([this, members = std::move(members)] {
      if (members_listener_) members_listener_(members);
    });
  };
  callbacks.on_block = [this, &tasks](const std::string& blocker, const std::string& target,
                                      bool blocked) {
    tasks.Post([this, blocker, target, blocked] {
      if (block_listener_) block_listener_(blocker, target, blocked);
    });
  };
  callbacks.on_community_change = [this, &tasks](int64_t server_id, const std::string& user) {
    tasks.Post([this, server_id, user] {
      if (channel_listener_.on_change) channel_listener_.on_change(server_id, user);
    });
  };
  callbacks.on_channel_message = [this, &tasks](int64_t channel_id, std::string payload,
                                                int qos) {
    tasks.Post([this, channel_id, payload = std::move(payload), qos] {
      if (channel_listener_.on_message) channel_listener_.on_message(channel_id, payload, qos);
    });
  };
  callbacks.on_broker_gone = [this, &tasks](int broker) {
    tasks.Post([this, broker] {
      broker_.Log(LogLevel::kNotice,
                  "mqchat: broker " + std::to_string(broker) + " is gone from shared presence");
      for (const auto& [user, total] : remote_.DropBroker(broker)) {
        RemoteDevicesChanged(user, total);
      }
    });
  };
  callbacks.on_routed = [this, &tasks](const std::string& user, std::string payload) {
    tasks.Post([this, user, payload = std::move(payload)]() mutable {
      if (user.empty()) {  // a call envelope (RouteCall)
        if (call_listener_) call_listener_(std::move(payload));
        return;
      }
      PublishRouted(user, std::move(payload));
    });
  };
  callbacks.on_log = [this, &tasks](const std::string& message) {
    tasks.Post([this, message] { broker_.Log(LogLevel::kWarning, "mqchat: " + message); });
  };
  return callbacks;
}

void PresenceService::DeviceConnected(const std::string& user) {
  tracker_.DeviceConnected(user, clock_.NowMs());
  LocalDevicesChanged(user);
}

void PresenceService::DeviceDisconnected(const std::string& user) {
  tracker_.DeviceDisconnected(user, clock_.NowMs());
  LocalDevicesChanged(user);
}

void PresenceService::MarkUnclean(const std::string& user) {
  tracker_.MarkUnclean(user, clock_.NowMs());
}

void PresenceService::OnTick() {
  // After the broker loop's DISCONNECTs and will checks: MarkUnclean has run for this
  // iteration's unclean losses, so their grace is known.
  if (!unannounced_.empty()) FlushToBus(clock_.NowMs());
  if (tracker_.HasPending() || clock_.MonotonicMs() >= next_refresh_ms_) {
    const int64_t now = clock_.NowMs();
    for (const auto& change : tracker_.Poll(now)) Publish(change);
    RefreshOnline();
  }
}

void PresenceService::RouteInbox(const std::string& user, const std::string& payload) {
  if (!bus_) return;
  for (int broker : remote_.Brokers(user)) bus_->Route(broker, user, payload);
}

void PresenceService::RouteCall(int broker, const std::string& envelope) {
  if (bus_) bus_->Route(broker, "", envelope);
}

std::vector<int> PresenceService::BrokersOf(const std::string& user) const {
  return remote_.Brokers(user);
}

void PresenceService::ShareMembers(const std::vector<std::string>& members) {
  if (bus_) bus_->ShareMembers(members);
}

void PresenceService::ShareBlock(const std::string& blocker, const std::string& target,
                                 bool blocked) {
  if (bus_) bus_->ShareBlock(blocker, target, blocked);
}

void PresenceService::ShareCommunityChange(int64_t server_id, const std::string& user) {
  if (bus_) bus_->ShareCommunityChange(server_id, user);
}

void PresenceService::ShareChannelMessage(int64_t channel_id, const std::string& payload,
                                          int qos) {
  if (bus_) bus_->ShareChannelMessage(channel_id, payload, qos);
}

void PresenceService::LocalDevicesChanged(const std::string& user) {
  if (bus_) unannounced_.insert(user);
}

void PresenceService::FlushToBus(int64_t now_ms) {
  for (auto it = unannounced_.begin(); it != unannounced_.end();) {
    const int local = tracker_.LocalDevices(*it);
    if (local == 0 && tracker_.InGrace(*it, now_ms)) {
      ++it;  // the other brokers keep counting the lost device until the grace is over
      continue;
    }
    bus_->LocalChanged(*it, local);
    it = unannounced_.erase(it);
  }
}

void PresenceService::RemoteDevicesChanged(const std::string& user, int total) {
  tracker_.SetRemoteDevices(user, total, clock_.NowMs());
}

void PresenceService::PublishRouted(const std::string& user, std::string payload) {
  OutgoingMessage msg;
  msg.topic = protocol::InboxTopic(user);
  msg.payload = std::move(payload);
  msg.qos = 1;
  Status s = broker_.Publish(msg);
  if (!s.ok()) broker_.Log(LogLevel::kWarning, "mqchat: routed delivery: " + s.ToString());
}

void PresenceService::Publish(const PresenceState& state) {
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
  if (state.online) msg.message_expiry_s = static_cast<uint32_t>(config_.online_expiry_s);
  Status s = broker_.Publish(msg);
  if (!s.ok()) {
    broker_.Log(LogLevel::kWarning, "mqchat: presence of " + state.user + ": " + s.ToString());
    return;
  }
  metrics::Get().presence_publishes.Inc();
}

void PresenceService::RefreshOnline() {
  const int64_t mono = clock_.MonotonicMs();
  if (mono < next_refresh_ms_) return;
  // Re-publish at half the expiry; the first call only schedules.
  const int64_t period = static_cast<int64_t>(config_.online_expiry_s) * 500;
  if (next_refresh_ms_ != 0) {
    for (const auto& user : tracker_.OnlineUsers()) Publish(tracker_.Current(user));
  }
  next_refresh_ms_ = mono + period;
}

}  // namespace mqchat::presence
