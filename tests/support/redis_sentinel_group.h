// RedisSentinelGroup: Redis behind Redis Sentinel on loopback, for failover tests: a master, one
// replica and three sentinels (quorum 2, a master is down after 1 s without answers). The
// sentinels start once the replica is linked, so their first look at the master finds it.
// Start() returns once every sentinel knows the replica and the other sentinels, so a failover
// can begin at once. Test thread only.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/redis_instance.h"

namespace mqchat::test {

class RedisSentinelGroup {
 public:
  static constexpr const char* kMasterName = "mqchat";
  static constexpr int kSentinels = 3;

  // Starts everything and waits until the group is ready (a test failure and false if the
  // replica is not linked within 20 s or the sentinels not ready 20 s later, or a skip when
  // redis-server is missing and integration is not required).
  bool Start();

  // "127.0.0.1:a,127.0.0.1:b,127.0.0.1:c": plugin_opt_redis_sentinels.
  std::string SentinelList() const;
  // The master's port as the first sentinel that answers names it (0 if none answers).
  int MasterPort();
  // Waits until every sentinel names a master other than `old_port` and that server answers
  // ROLE as master. False after `timeout`.
  bool WaitPromoted(int old_port, std::chrono::milliseconds timeout);

  RedisInstance& master() { return *master_; }
  RedisInstance& replica() { return *replica_; }
  RedisInstance& sentinel(int i) { return *sentinels_.at(static_cast<size_t>(i)); }

 private:
  bool ReplicaLinked();
  bool Ready();

  std::unique_ptr<RedisInstance> master_;
  std::unique_ptr<RedisInstance> replica_;
  std::vector<std::unique_ptr<RedisInstance>> sentinels_;
};

}  // namespace mqchat::test
