// ClusterBus: what brokers sharing one store tell each other through Redis: presence, and the
// inbox deliveries for users whose devices are on another broker. For presence, each broker
//  - announces every change of a local user's device count on the channel `mqchat:presence`
//    ("<broker> <devices> <user>", absolute counts, so messages are idempotent) and mirrors its
//    users in the hash `mqchat:broker_users:<broker>`;
//  - keeps its liveness key `mqchat:broker:<broker>` alive (TTL) and lists itself in the set
//    `mqchat:brokers`;
//  - listens to the channel, reads the other brokers' hashes when it (re)subscribes, and every
//    heartbeat checks the other brokers' liveness keys: a broker whose key lapsed (it died)
//    is reported gone, so its users' devices stop counting.
// Two threads with their own Redis connections: a command thread (writes, heartbeat, liveness)
// and a subscriber thread. Routing: Route(broker, user, payload) publishes the inbox payload on
// `mqchat:route:<broker>`, which only that broker subscribes to; it publishes it to the user's
// inbox on its own MQTT side (at most once per message: a device is on one broker). Neither ever blocks the broker thread: LocalChanged only queues, and
// results come back through the callbacks, which must only post to the broker thread. When
// Redis is unreachable, changes are kept and re-announced in full once it is back.
#pragma once

#include <atomic>
#include <functional>
#include <map>
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
    // Another broker is gone (its liveness key lapsed): none of its devices count any more.
    std::function<void(int broker)> on_broker_gone;
    // An inbox payload another broker routed to a user connected here.
    std::function<void(const std::string& user, std::string payload)> on_routed;
    // Redis became unreachable (once per outage) or reachable again.
    std::function<void(const std::string& message)> on_log;
  };

  ClusterBus(RedisAddress address, int broker_id, int ttl_s, Callbacks callbacks);
  ~ClusterBus();  // stops and joins both threads
  ClusterBus(const ClusterBus&) = delete;
  ClusterBus& operator=(const ClusterBus&) = delete;

  // Thread-safe, never blocks on Redis: records `user`'s device count on this broker.
  void LocalChanged(const std::string& user, int devices);
  // Thread-safe, never blocks on Redis: delivers `payload` to `user`'s inbox on `broker`. Lost
  // if Redis is down (the devices catch up by sync, as after any disconnect).
  void Route(int broker, const std::string& user, const std::string& payload);

 private:
  void RunCommands();
  void RunSubscriber();
  // Command thread. Each returns false if Redis failed (the connection is then dropped).
  bool Connect();
  bool AnnounceAll();
  bool Announce(const std::string& user, int devices);
  bool Heartbeat();
  bool ReadSnapshot(redisContext* c);
  void Log(const std::string& message);

  const RedisAddress address_;
  const int broker_id_;
  const int ttl_s_;
  Callbacks callbacks_;

  Mutex mu_;
  CondVar cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::map<std::string, int> dirty_ GUARDED_BY(mu_);  // changes not yet announced
  struct Routed {
    int broker;
    std::string user;
    std::string payload;
  };
  std::vector<Routed> routes_ GUARDED_BY(mu_);  // deliveries not yet published
  std::map<std::string, int> local_;       // command thread: last announced state

  RedisContextPtr cmd_;                    // command thread
  std::atomic<bool> reachable_{true};      // for logging once per outage
  std::atomic<bool> stop_subscriber_{false};
  std::thread cmd_thread_;
  std::thread sub_thread_;
};

}  // namespace mqchat::presence
