// The real mqchat-api process beside a real broker on the same store, on SQLite and PostgreSQL:
// a password change through the API (POST /v1/password) ends the user's MQTT sessions (the
// broker's user refresher sees the hash change), revokes the user's other refresh tokens and
// keeps the caller's; POST /v1/logout_all revokes every refresh token of the user and ends their
// MQTT sessions. After either, access tokens issued before it no longer log in. Signing one
// device out (DELETE /v1/me/devices/{id}) ends that device's session only.
#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/api_process.h"
#include "support/chat_client.h"
#include "support/chat_server.h"
#include "support/rsa_keys.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

constexpr std::chrono::milliseconds kSessionEndDeadline{10000};

class ApiCredentialsTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    key_dir_ = std::make_unique<TempDir>("mqchat-keys");
    WriteFile(key_dir_->File("api.pub.pem"), TestRsaKeys().public_pem);
    ChatServerOptions opts;
    opts.store = GetParam();
    // Password logins in quick succession: the hash budget (issue 29) is not under test here.
    opts.plugin_opts = {{"jwt_rs256_public_key_file", key_dir_->File("api.pub.pem")},
                        {"auth_fail_max", "1000"},
                        {"auth_hashes_per_s", "1000"},
                        {"auth_hash_duty_percent", "100"}};
    server_ = ChatServer::Create(std::move(opts));
    if (!server_) return;
    api_ = std::make_unique<ApiProcess>(server_->store_config());
    ASSERT_TRUE(server_->Start());
    ASSERT_TRUE(api_->Start());
  }

  ApiReply Login(const std::string& user, const std::string& password) {
    return api_->Post("/v1/login", {{"username", user}, {"password", password}});
  }
  int Refresh(const std::string& token) {
    return api_->Post("/v1/refresh", {{"refresh_token", token}}).status;
  }

  std::unique_ptr<TempDir> key_dir_;
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> api_;
};

#define REQUIRE_SERVERS() \
  if (!server_ || !api_) GTEST_SKIP() << "servers not available"

TEST_P(ApiCredentialsTest, PasswordChangeEndsSessionsAndOtherLoginsButKeepsThisOne) {
  REQUIRE_SERVERS();
  ASSERT_EQ(api_->Post("/v1/signup", {{"username", "alice"}, {"password", "old password"}}).status,
            201);
  ASSERT_EQ(api_->Post("/v1/signup", {{"username", "bob"}, {"password", "bob password"}}).status,
            201);
  auto phone = Login("alice", "old password");
  auto laptop = Login("alice", "old password");
  auto bob_login = Login("bob", "bob password");
  ASSERT_EQ(phone.status, 200) << phone.body;
  ASSERT_EQ(laptop.status, 200) << laptop.body;
  ChatTestClient by_token, by_password, bob;
  ASSERT_EQ(by_token.Connect(server_->port(), "alice", phone.json["access_token"], "phone"), 0);
  ASSERT_EQ(by_password.Connect(server_->port(), "alice", "old password", "tablet"), 0);
  ASSERT_EQ(bob.Connect(server_->port(), "bob", bob_login.json["access_token"], "pc"), 0);
  const std::string laptop_refresh = laptop.json["refresh_token"];
  const std::string phone_refresh = phone.json["refresh_token"];

  // Refusals change nothing: a wrong old password, a new one against the policy, a bad token.
  auto wrong = api_->Post("/v1/password", {{"refresh_token", laptop_refresh},
                                           {"old_password", "not it at all"},
                                           {"new_password", "new password"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.error_code(), "UNAUTHENTICATED");
  auto weak = api_->Post("/v1/password", {{"refresh_token", laptop_refresh},
                                          {"old_password", "old password"},
                                          {"new_password", "short"}});
  EXPECT_EQ(weak.status, 422);
  EXPECT_EQ(api_->Post("/v1/password", {{"refresh_token", "nope"},
                                        {"old_password", "old password"},
                                        {"new_password", "new password"}})
                .status,
            401);
  EXPECT_TRUE(by_token.mqtt().IsConnected());
  EXPECT_EQ(Login("alice", "old password").status, 200);

  auto changed = api_->Post("/v1/password", {{"refresh_token", laptop_refresh},
                                             {"old_password", "old password"},
                                             {"new_password", "new password"}});
  ASSERT_EQ(changed.status, 200) << changed.body;
  // Every MQTT session of alice ends (token and password logins); bob's stays.
  EXPECT_TRUE(by_token.mqtt().WaitDisconnected(kSessionEndDeadline));
  EXPECT_TRUE(by_password.mqtt().WaitDisconnected(kSessionEndDeadline));
  EXPECT_TRUE(bob.mqtt().IsConnected());
  // The old password is gone everywhere, the new one works at the API and the broker.
  EXPECT_EQ(Login("alice", "old password").status, 401);
  EXPECT_EQ(Login("alice", "new password").status, 200);
  ChatTestClient again;
  EXPECT_NE(again.Connect(server_->port(), "alice", "old password", "tablet"), 0);
  ChatTestClient fresh;
  EXPECT_EQ(fresh.Connect(server_->port(), "alice", "new password", "tablet"), 0);
  // An access token issued before the change is refused although it has not expired (taken
  // from a lost phone, it is useless at once); one issued after it logs in.
  ChatTestClient stale;
  EXPECT_NE(stale.Connect(server_->port(), "alice", phone.json["access_token"], "phone"), 0);
  auto relogin = Login("alice", "new password");
  ASSERT_EQ(relogin.status, 200) << relogin.body;
  ChatTestClient renewed;
  EXPECT_EQ(renewed.Connect(server_->port(), "alice", relogin.json["access_token"], "phone"), 0);
  // The other login's refresh token is revoked; the caller's login goes on.
  EXPECT_EQ(Refresh(phone_refresh), 401);
  EXPECT_EQ(Refresh(laptop_refresh), 200);
}

// Issue 15: DELETE /v1/me/devices/{id} signs that one device out of its live MQTT session too
// (a broker notice; docs/ARCHITECTURE.md "Broker notices"): its connection is closed within
// the deadline and its access token no longer logs that device in, while the user's other
// device stays connected and working; a new login of the device is let in.
TEST_P(ApiCredentialsTest, SigningOutADeviceEndsThatDevicesSessionOnly) {
  REQUIRE_SERVERS();
  ASSERT_EQ(api_->Post("/v1/signup", {{"username", "alice"}, {"password", "alice password"}})
                .status,
            201);
  auto login = [&](const std::string& device) {
    return api_->Post("/v1/login", {{"username", "alice"},
                                    {"password", "alice password"},
                                    {"device_id", device}});
  };
  auto phone_login = login("phone");
  auto laptop_login = login("laptop");
  ASSERT_EQ(phone_login.status, 200) << phone_login.body;
  ASSERT_EQ(laptop_login.status, 200) << laptop_login.body;
  const std::string phone_token = phone_login.json["access_token"];
  const std::string laptop_token = laptop_login.json["access_token"];
  ChatTestClient phone, laptop;
  ASSERT_EQ(phone.Connect(server_->port(), "alice", phone_token, "phone"), 0);
  ASSERT_EQ(laptop.Connect(server_->port(), "alice", laptop_token, "laptop"), 0);

  auto out = api_->Call("DELETE", "/v1/me/devices/phone", laptop_token);
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_TRUE(phone.mqtt().WaitDisconnected(kSessionEndDeadline));
  EXPECT_TRUE(laptop.mqtt().IsConnected());
  auto still = laptop.Request(protocol::Op::kConversations, 0, nlohmann::json::object());
  EXPECT_TRUE(still.ok()) << still.Describe();
  // The phone's token, unexpired, no longer logs the phone in; a new login does.
  ChatTestClient stale;
  EXPECT_NE(stale.Connect(server_->port(), "alice", phone_token, "phone"), 0);
  auto again = login("phone");
  ASSERT_EQ(again.status, 200) << again.body;
  ChatTestClient renewed;
  EXPECT_EQ(renewed.Connect(server_->port(), "alice", again.json["access_token"], "phone"), 0);
  EXPECT_TRUE(laptop.mqtt().IsConnected());
}

TEST_P(ApiCredentialsTest, LogoutAllRevokesEveryRefreshTokenOfTheUserOnly) {
  REQUIRE_SERVERS();
  ASSERT_EQ(api_->Post("/v1/signup", {{"username", "carol"}, {"password", "carol password"}}).status,
            201);
  ASSERT_EQ(api_->Post("/v1/signup", {{"username", "dave"}, {"password", "dave password"}}).status,
            201);
  auto first = Login("carol", "carol password");
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string one = first.json["refresh_token"];
  const std::string two = Login("carol", "carol password").json["refresh_token"];
  auto dave_login = Login("dave", "dave password");
  const std::string daves = dave_login.json["refresh_token"];
  ChatTestClient carol, dave;
  ASSERT_EQ(carol.Connect(server_->port(), "carol", first.json["access_token"], "phone"), 0);
  ASSERT_EQ(dave.Connect(server_->port(), "dave", dave_login.json["access_token"], "pc"), 0);
  EXPECT_EQ(api_->Post("/v1/logout_all", {{"refresh_token", "nope"}}).status, 401);
  auto out = api_->Post("/v1/logout_all", {{"refresh_token", one}});
  ASSERT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(Refresh(one), 401);
  EXPECT_EQ(Refresh(two), 401);
  EXPECT_EQ(Refresh(daves), 200);
  // carol's MQTT session ends and her unexpired access token no longer logs in; dave's stays.
  EXPECT_TRUE(carol.mqtt().WaitDisconnected(kSessionEndDeadline));
  ChatTestClient stale;
  EXPECT_NE(stale.Connect(server_->port(), "carol", first.json["access_token"], "phone"), 0);
  EXPECT_TRUE(dave.mqtt().IsConnected());
  // A revoked token cannot log out everywhere again; a new login starts afresh.
  EXPECT_EQ(api_->Post("/v1/logout_all", {{"refresh_token", two}}).status, 401);
  EXPECT_EQ(Refresh(Login("carol", "carol password").json["refresh_token"]), 200);
}

INSTANTIATE_TEST_SUITE_P(Stores, ApiCredentialsTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) { return StoreKindName(info.param); });

}  // namespace
}  // namespace mqchat::test
