// ClusterBus: what brokers sharing one store tell each other through Redis: presence, the
// members of conversations whose membership changed (so contacts grow on every broker), the
// blocks and unblocks (so presence and typing are hidden on every broker at once), and
// the inbox deliveries for users whose devices are on another broker. Messages are in
// bus_messages.h. For presence, each broker
//  - announces every change of a local user's device count on the channel `mqchat:presence`
//    (absolute counts, so messages are idempotent) and mirrors its users in the hash
//    `mqchat:broker_users:<broker>`;
//  - on every (re)connection to Redis, in one transaction, rewrites that hash, refreshes its
//    liveness key and publishes its whole state: peers replace everything they knew of it, so
//    users who left while Redis was down (or before the broker restarted) are dropped;
//  - keeps its liveness key `mqchat:broker:<broker>` alive (TTL), its value the URLs clients
//    should use for it (plugin_opt_advertise_urls; mqchat-api's discovery reads them), and
//    lists itself in the set `mqchat:brokers` (key names: cluster_keys.h);
//  - listens to the channel and, when it (re)subscribes, reads every listed broker's hash as
//    that broker's whole state;
//  - every heartbeat checks the liveness key of every broker it has heard of (its own list,
//    not only the shared set, which another survivor may already have cleaned): one whose key
//    lapsed died, and is reported gone. Not within the TTL after its own (re)connection, which
//    is the time a live peer needs to refresh its key after Redis restarted empty.
// Two threads with their own Redis connections: a command thread (writes, heartbeat, liveness)
// and a subscriber thread. Routing: Route(broker, user, payload) publishes the inbox payload on
// `mqchat:route:<broker>`, which only that broker subscribes to; it publishes it to the user's
// inbox on its own MQTT side (at most once per message: a device is on one broker). Neither
// ever blocks the broker thread: LocalChanged, ShareMembers and Route only queue, and results
// come back through the callbacks, which must only post to the broker thread. When Redis is
// unreachable, changes are kept, reconnection is tried every kReconnectMs, and the whole state
// is published once it is back.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "presence/redis_handles.h"
#include "threads/mutex.h"

namespace mqchat::presence {

class ClusterBus {
 public:
  struct Callbacks {
    // Another broker's device count for `user` (0 = none there).
    std::function<void(int broker, const std::string& user, int devices)> on_remote;
    // Another broker's whole state: user -> devices; users not in it have none there.
    std::function<void(int broker, std::map<std::string, int> users)> on_broker_state;
    // Another broker is gone (its liveness key lapsed): none of its devices count any more.
    std::function<void(int broker)> on_broker_gone;
    // Members of a conversation whose membership changed on another broker.
    std::function<void(std::vector<std::string> members)> on_members;
    // A block (`blocked`) or unblock committed through another broker.
    std::function<void(const std::string& blocker, const std::string& target, bool blocked)>
        on_block;
    // Channel delivery (channel_bus_messages.h): a change to a server's permissions committed
    // through another broker, and a channel message event stored through another broker.
    std::function<void(int64_t server_id, const std::string& user)> on_community_change;
    // `qos` 0: an ephemeral event (typing).
    std::function<void(int64_t channel_id, std::string payload, int qos)> on_channel_message;
    // An inbox payload another broker routed to a user connected here.
    std::function<void(const std::string& user, std::string payload)> on_routed;
    // Redis became unreachable (once per outage) or reachable again.
    std::function<void(const std::string& message)> on_log;
  };

  // How often a lost Redis connection is tried again (commands and subscriber).
  static constexpr int kReconnectMs = 250;

  // `advertise_urls`: the client-facing URLs, space-separated (empty: none advertised).
  ClusterBus(RedisAddress address, int broker_id, int ttl_s, std::string advertise_urls,
             Callbacks callbacks);
  ~ClusterBus();  // stops and joins both threads
  ClusterBus(const ClusterBus&) = delete;
  ClusterBus& operator=(const ClusterBus&) = delete;

  // Thread-safe, never blocks on Redis: records `user`'s device count on this broker.
  void LocalChanged(const std::string& user, int devices);
  // Thread-safe, never blocks on Redis: tells the other brokers that `members` share a
  // conversation whose membership changed. Lost if Redis is down (members who connect later
  // load their contacts from the store).
  void ShareMembers(const std::vector<std::string>& members);
  // Thread-safe, never blocks on Redis: tells the other brokers that `blocker` blocked
  // (`blocked`) or unblocked `target`. Lost if Redis is down (the users' next logins load
  // their blocks from the store).
  void ShareBlock(const std::string& blocker, const std::string& target, bool blocked);
  // Thread-safe, never blocks on Redis: delivers `payload` to `user`'s inbox on `broker`. Lost
  // if Redis is down (the devices catch up by sync, as after any disconnect).
  void Route(int broker, const std::string& user, const std::string& payload);
  // Thread-safe, never blocks on Redis: channel delivery (community/channel_delivery.h). Lost
  // if Redis is down: a lost change is repaired by the users' next connections, a lost message
  // by sync.
  void ShareCommunityChange(int64_t server_id, const std::string& user);
  void ShareChannelMessage(int64_t channel_id, const std::string& payload, int qos = 1);

  // Any thread: whether both connections to Redis (commands and subscriber) are up, for the
  // mqchat_bus_connected gauge. The bus also counts mqchat_bus_reconnects_total and the routed
  // inbox payloads (metrics/instruments.h) on its own threads, with relaxed atomics.
  bool connected() const { return cmd_up_.load() && sub_up_.load(); }

 private:
  struct Outgoing {  // a message to publish as is
    std::string channel;
    std::string payload;
    bool routed = false;  // an inbox payload for another broker (counted when published)
  };
  void RunCommands();
  void RunSubscriber();
  // Command thread. Each returns false if Redis failed (the connection is then dropped).
  bool Connect();
  bool PublishState();
  bool Announce(const std::string& user, int devices);
  bool Heartbeat();
  bool ReapDeadPeers();
  // Subscriber thread.
  bool ReadSnapshot(redisContext* c);
  void Dispatch(const std::string& channel, std::string body);
  void HeardOf(int broker);
  void Log(const std::string& message);

  const RedisAddress address_;
  const int broker_id_;
  const int ttl_s_;
  const std::string liveness_value_;  // the advertised URLs, or kNoAdvertisedUrls
  Callbacks callbacks_;

  Mutex mu_;
  CondVar cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::map<std::string, int> dirty_ GUARDED_BY(mu_);  // changes not yet announced
  std::vector<Outgoing> outgoing_ GUARDED_BY(mu_);    // routes and members not yet published
  std::set<int> peers_ GUARDED_BY(mu_);               // brokers heard of and not yet found dead
  std::map<std::string, int> local_;                  // command thread: this broker's state

  RedisContextPtr cmd_;                                 // command thread
  std::chrono::steady_clock::time_point connected_at_;  // command thread
  std::atomic<bool> reachable_{true};                   // for logging once per outage
  std::atomic<bool> cmd_up_{false};                     // the command connection is up
  std::atomic<bool> sub_up_{false};                     // the subscriber is subscribed
  std::atomic<bool> stop_subscriber_{false};
  std::thread cmd_thread_;
  std::thread sub_thread_;
};

}  // namespace mqchat::presence
