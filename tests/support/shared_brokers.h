// SharedBrokersTest: a gtest fixture for the multi-broker deployment: several mqchat brokers
// (node ids 1, 2, ...) sharing one fresh PostgreSQL database and one Redis, with token logins
// to any of them. Test thread only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/broker_process.h"
#include "support/chat_client.h"
#include "support/postgres_instance.h"
#include "support/redis_instance.h"
#include "support/redis_sentinel_group.h"

namespace mqchat::test {

class SharedBrokersTest : public ::testing::Test {
 protected:
  // Starts the servers. A missing server skips the test (fails it under
  // MQCHAT_REQUIRE_INTEGRATION=1); ready() says whether everything started.
  void SetUp() override;

  virtual int BrokerCount() const { return 2; }
  // Extra plugin options for every broker (after the store, node and Redis ones).
  virtual std::vector<std::pair<std::string, std::string>> ExtraOptions() const { return {}; }
  // Extra plugin options for broker `node` (1-based) only, after ExtraOptions.
  virtual std::vector<std::pair<std::string, std::string>> NodeOptions(int node) const {
    return {};
  }

  // The conninfo of the database the brokers share. Default: a fresh database on the shared
  // PostgreSQL (postgres_). A status ShouldSkipForMissingPostgres accepts skips the test.
  virtual Result<std::string> StoreConnInfo();

  // True: Redis is a master, a replica and three sentinels (sentinels_), and the brokers find
  // the master through plugin_opt_redis_sentinels; redis_ is then null.
  virtual bool RedisBehindSentinel() const { return false; }

  bool ready() const { return ready_; }
  // Connects `user`'s `device` to broker `broker` (0-based) with a token and waits until the
  // user's row is in the store (a broker records a token user asynchronously, on its writer,
  // after the first login), so other users on any broker can name them at once.
  std::unique_ptr<ChatTestClient> Login(int broker, const std::string& user,
                                        const std::string& device = "d1");
  // Login without the wait: for a store that is down, or a user already recorded.
  std::unique_ptr<ChatTestClient> Connect(int broker, const std::string& user,
                                          const std::string& device = "d1");
  // Waits until the store has a row for `user` (a test failure after `timeout`).
  bool WaitRecorded(const std::string& user, std::chrono::milliseconds timeout);
  // Waits for a presence update of `user` with state `online` on `watcher`'s queue (others
  // before it are consumed). False if none comes within `timeout`.
  static bool WaitPresence(ChatTestClient& watcher, const std::string& user, bool online,
                           std::chrono::milliseconds timeout);
  // Subscribes `watcher` to `user`'s presence, retrying until it is granted (contacts are
  // learnt asynchronously) or `timeout` passes (a test failure then). Returns the last SUBACK code.
  static int SubscribePresence(ChatTestClient& watcher, const std::string& user,
                               std::chrono::milliseconds timeout);
  // A login token for `user`, valid for an hour on every broker.
  std::string Token(const std::string& user) const;

  // The shared PostgreSQL cluster (set once SetUp has found it).
  PostgresInstance* postgres_ = nullptr;

  std::unique_ptr<RedisInstance> redis_;
  std::unique_ptr<RedisSentinelGroup> sentinels_;
  std::vector<std::unique_ptr<BrokerProcess>> brokers_;

 private:
  bool ready_ = false;
  std::string dsn_;
};

}  // namespace mqchat::test
