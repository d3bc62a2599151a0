// PresenceService: the one owner of presence. It counts each user's devices here
// (PresenceTracker) and, with shared presence (plugin_opt_redis_url or _redis_sentinels), on the other brokers
// (RemoteDevices, fed by the ClusterBus over Redis), and publishes each user's retained
// presence (mqchat/v1/p/<user>): changes as the tracker lets them out, and "online" again at
// half its expiry so it outlives no crashed broker. Every broker derives a user's presence the
// same way, from the device counts each broker announces: a broker announces its local counts
// at the next TICK, except that a user whose last device was lost uncleanly keeps their count
// on the bus until the grace period is over (the owning broker publishes the post-grace state;
// the others follow it, so a reconnect within the grace is invisible everywhere). The
// ClusterBus also carries the members of conversations whose membership changed (so contacts
// grow on every broker: SetMembersListener), blocks and unblocks (so they hide presence and
// typing on every broker: SetBlockListener) and inbox deliveries to users whose devices are
// on other brokers (RouteInbox, and routed payloads published here). Bus callbacks only post to
// the broker thread. Broker thread only, except online() (thread-safe).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "broker/broker_api.h"
#include "config/config.h"
#include "mqchat/status.h"
#include "presence/cluster_bus.h"
#include "presence/online_directory.h"
#include "presence/presence_tracker.h"
#include "presence/remote_devices.h"
#include "util/broker_task_queue.h"
#include "util/clock.h"

namespace mqchat::presence {

// The bus's Redis: plugin_opt_redis_url, or the master behind plugin_opt_redis_sentinels.
// kInvalidArgument naming the option if it does not parse. Only when config.shared().
Result<RedisAddress> SharedRedisAddress(const PresenceConfig& config);

class PresenceService {
 public:
  // Starts the ClusterBus if `config.shared()` (kInvalidArgument if its address does not parse).
  // `node_id` names this broker on the bus. `broker`, `tasks` and `clock` must outlive the
  // service; bus callbacks reach it through `tasks`, so drop the queue's tasks with it.
  static Result<std::unique_ptr<PresenceService>> Create(const PresenceConfig& config, int node_id,
                                                         BrokerApi& broker, BrokerTaskQueue& tasks,
                                                         const Clock& clock);
  PresenceService(const PresenceService&) = delete;
  PresenceService& operator=(const PresenceService&) = delete;

  // A client of `user` connected to, or disconnected from, this broker (once per connection).
  void DeviceConnected(const std::string& user);
  void DeviceDisconnected(const std::string& user);
  // The last device of `user` to disconnect was lost uncleanly (its will fired): going offline
  // waits for the grace period.
  void MarkUnclean(const std::string& user);
  // TICK: publishes due changes and, every half expiry, refreshes the online users.
  void OnTick();

  // Tells the other brokers that `members` share a conversation whose membership changed
  // (nothing without shared presence).
  void ShareMembers(const std::vector<std::string>& members);
  // Called on the broker thread with the members another broker shared.
  using MembersListener = std::function<void(const std::vector<std::string>& members)>;
  void SetMembersListener(MembersListener listener) { members_listener_ = std::move(listener); }

  // Tells the other brokers that `blocker` blocked (`blocked`) or unblocked `target` (nothing
  // without shared presence).
  void ShareBlock(const std::string& blocker, const std::string& target, bool blocked);
  // Called on the broker thread with each block or unblock another broker shared.
  using BlockListener =
      std::function<void(const std::string& blocker, const std::string& target, bool blocked)>;
  void SetBlockListener(BlockListener listener) { block_listener_ = std::move(listener); }
  // Channel delivery (issue 18): changes and channel messages from other brokers (broker
  // thread), and this broker's, shared with them. Set the listener once, before clients come.
  struct ChannelListener {
    std::function<void(int64_t server_id, const std::string& user)> on_change;
    std::function<void(int64_t channel_id, const std::string& payload, int qos)> on_message;
  };
  void SetChannelListener(ChannelListener listener) { channel_listener_ = std::move(listener); }
  void ShareCommunityChange(int64_t server_id, const std::string& user);
  void ShareChannelMessage(int64_t channel_id, const std::string& payload, int qos = 1);

  // Whether the inbox deliveries of `user` must also reach other brokers (shared presence).
  bool shared() const { return bus_ != nullptr; }
  // Any thread (the metrics listener's): whether the bus is connected to Redis. Until
  // StopSharing, which the plugin calls after stopping the listener.
  bool BusConnected() const { return bus_ != nullptr && bus_->connected(); }
  // Delivers an inbox payload to `user`'s devices on other brokers (none without shared
  // presence).
  void RouteInbox(const std::string& user, const std::string& payload);
  // Calls across brokers (call/call_relay.h): `envelope` to broker `broker`'s call listener,
  // on its routed channel under the empty user name (no user has it). Lost if Redis is down.
  void RouteCall(int broker, const std::string& envelope);
  using CallListener = std::function<void(std::string envelope)>;
  void SetCallListener(CallListener listener) { call_listener_ = std::move(listener); }
  // The other brokers with devices of `user` connected.
  std::vector<int> BrokersOf(const std::string& user) const;
  // Stops the bus (its threads joined): peers learn this broker's devices are gone. Presence
  // is local from then on.
  void StopSharing() { bus_.reset(); }

  // Thread-safe: who has a device online anywhere (for push).
  const OnlineDirectory& online() const { return tracker_; }
  // Devices of `user` on this broker.
  int LocalDevices(const std::string& user) const { return tracker_.LocalDevices(user); }

 private:
  PresenceService(const PresenceConfig& config, BrokerApi& broker, const Clock& clock);
  ClusterBus::Callbacks BusCallbacks(BrokerTaskQueue& tasks);
  void LocalDevicesChanged(const std::string& user);
  // Announces the local device counts changed since the last TICK, but not of users in grace.
  void FlushToBus(int64_t now_ms);
  void RemoteDevicesChanged(const std::string& user, int total);
  void PublishRouted(const std::string& user, std::string payload);
  void Publish(const PresenceState& state);
  void RefreshOnline();

  const PresenceConfig config_;
  BrokerApi& broker_;
  const Clock& clock_;
  // Also the thread-safe OnlineDirectory (who has a device connected anywhere) for push.
  PresenceTracker tracker_;
  CallListener call_listener_;
  RemoteDevices remote_;                         // devices on other brokers (shared presence)
  std::unique_ptr<ClusterBus> bus_;              // null without plugin_opt_redis_url
  std::unordered_set<std::string> unannounced_;  // local counts the bus has not been told
  MembersListener members_listener_;
  BlockListener block_listener_;
  ChannelListener channel_listener_;
  int64_t next_refresh_ms_ = 0;  // monotonic; 0: the first refresh only schedules
};

}  // namespace mqchat::presence
