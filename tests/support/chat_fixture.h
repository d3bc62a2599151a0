// ChatFixture: a parameterized (SQLite/PostgreSQL) gtest fixture with a running mqchat broker
// and fast token logins, for the messaging integration suites. Test thread only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/chat_client.h"
#include "support/chat_server.h"

namespace mqchat::test {

inline const std::string kTestJwtSecret = "mqchat-integration-jwt-secret-0123456789";

class ChatFixture : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override;

  // A fresh login token for `user` (HS256 with kTestJwtSecret, valid for an hour).
  std::string Token(const std::string& user) const;
  // Connects `user`'s `device` with a token; the user row is created on first login.
  std::unique_ptr<ChatTestClient> Login(const std::string& user, const std::string& device = "d1",
                                        int mqtt_version = 5, bool clean_start = true);
  // Logs in each user once so the store knows them, then disconnects.
  void Register(const std::vector<std::string>& users);

  // Extra plugin options for the suite (override to add).
  virtual std::vector<std::pair<std::string, std::string>> ExtraOptions() const { return {}; }
  virtual bool Persistence() const { return false; }

  std::unique_ptr<ChatServer> server_;
};

std::string StoreParamName(const ::testing::TestParamInfo<StoreKind>& info);

#define MQCHAT_INSTANTIATE_FOR_STORES(suite)                                              \
  INSTANTIATE_TEST_SUITE_P(Stores, suite,                                                 \
                           ::testing::Values(::mqchat::test::StoreKind::kSqlite,          \
                                             ::mqchat::test::StoreKind::kPostgres),       \
                           ::mqchat::test::StoreParamName)

#define MQCHAT_REQUIRE_SERVER() \
  if (!server_) GTEST_SKIP() << "server not available"

}  // namespace mqchat::test
