// SharedBrokersTest: a gtest fixture for the multi-broker deployment: several mqchat brokers
// (node ids 1, 2, ...) sharing one fresh PostgreSQL database and one Redis, with token logins
// to any of them. Test thread only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/broker_process.h"
#include "support/chat_client.h"
#include "support/redis_instance.h"

namespace mqchat::test {

class SharedBrokersTest : public ::testing::Test {
 protected:
  // Starts the servers. A missing server skips the test (fails it under
  // MQCHAT_REQUIRE_INTEGRATION=1); ready() says whether everything started.
  void SetUp() override;

  virtual int BrokerCount() const { return 2; }
  // Extra plugin options for every broker (after the store, node and Redis ones).
  virtual std::vector<std::pair<std::string, std::string>> ExtraOptions() const { return {}; }

  bool ready() const { return ready_; }
  // Connects `user`'s `device` to broker `broker` (0-based) with a token; the user row is
  // created (asynchronously) on first login.
  std::unique_ptr<ChatTestClient> Login(int broker, const std::string& user,
                                        const std::string& device = "d1");
  // A login token for `user` that every broker accepts (valid for an hour).
  std::string Token(const std::string& user) const;

  std::unique_ptr<RedisInstance> redis_;
  std::vector<std::unique_ptr<BrokerProcess>> brokers_;

 private:
  bool ready_ = false;
};

}  // namespace mqchat::test
