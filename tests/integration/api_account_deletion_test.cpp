// DELETE /v1/me (api/src/account_deletion.h) of the real mqchat-api beside a real broker, on
// SQLite and PostgreSQL: with the password re-confirmed, the user's refresh tokens, devices,
// push targets and profile go, their MQTT session ends, they can no longer log in and the name
// is not reused; their messages stay, attributed to them. A wrong password or a malformed
// request changes nothing.
#include <chrono>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "profile_store.h"
#include "protocol/ops.h"
#include "support/api_process.h"
#include "support/chat_client.h"
#include "support/chat_server.h"
#include "support/rsa_keys.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

constexpr std::chrono::milliseconds kSessionEndDeadline{10000};

class ApiAccountDeletionTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<TempDir>("mqchat-delete");
    WriteFile(dir_->File("api.pub.pem"), TestRsaKeys().public_pem);
    ChatServerOptions opts;
    opts.store = GetParam();
    opts.plugin_opts = {{"jwt_rs256_public_key_file", dir_->File("api.pub.pem")}};
    server_ = ChatServer::Create(std::move(opts));
    if (!server_) return;
    api_ = std::make_unique<ApiProcess>(server_->store_config());
    ASSERT_TRUE(server_->Start());
    ASSERT_TRUE(api_->Start());
  }

  ApiReply Login(const std::string& user, const std::string& device) {
    return api_->Post("/v1/login", {{"username", user},
                                    {"password", user + " password"},
                                    {"device_id", device}});
  }
  ApiReply DeleteMe(const std::string& token, const std::string& body) {
    return api_->Call("DELETE", "/v1/me", token, body, "application/json");
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> api_;
};

#define REQUIRE_SERVERS() \
  if (!server_ || !api_) GTEST_SKIP() << "servers not available"

TEST_P(ApiAccountDeletionTest, DataGoesSessionsEndMessagesStay) {
  REQUIRE_SERVERS();
  for (const std::string user : {"alice", "bob"}) {
    ASSERT_EQ(api_->Post("/v1/signup", {{"username", user},
                                        {"password", user + " password"},
                                        {"display_name", user + " in full"}})
                  .status,
              201);
  }
  auto phone = Login("alice", "phone");
  auto bob_login = Login("bob", "pc");
  ASSERT_EQ(phone.status, 200) << phone.body;
  const std::string token = phone.json["access_token"];
  ChatTestClient alice, bob;
  ASSERT_EQ(alice.Connect(server_->port(), "alice", token, "phone"), 0);
  ASSERT_EQ(bob.Connect(server_->port(), "bob", bob_login.json["access_token"], "pc"), 0);
  auto pushed = alice.Request(protocol::Op::kPushRegister, 0,
                              {{"platform", "fcm"}, {"token", "alice-push-token"}});
  ASSERT_TRUE(pushed.ok()) << pushed.Describe();
  const int64_t conv = alice.OpenDirect("bob");
  ASSERT_NE(conv, 0);
  ASSERT_TRUE(alice.Send(conv, "before I go", "m1").ok());

  // Refusals change nothing.
  EXPECT_EQ(DeleteMe(token, R"({"password":"not it"})").error_code(), "UNAUTHENTICATED");
  EXPECT_EQ(DeleteMe(token, R"({})").status, 400);
  EXPECT_EQ(DeleteMe(token, R"({"password":"alice password","why":1})").status, 400);
  EXPECT_EQ(DeleteMe(token, "{oops").status, 400);
  EXPECT_EQ(DeleteMe("", R"({"password":"alice password"})").status, 401);
  EXPECT_TRUE(alice.mqtt().IsConnected());
  EXPECT_EQ(api_->Call("GET", "/v1/me/devices", token).json["devices"].size(), 1u);
  EXPECT_EQ(api_->Call("GET", "/v1/me", token).json["display_name"], "alice in full");

  auto deleted = DeleteMe(token, R"({"password":"alice password"})");
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_TRUE(alice.mqtt().WaitDisconnected(kSessionEndDeadline));
  EXPECT_TRUE(bob.mqtt().IsConnected());

  // No login of any kind; the name is never reused.
  EXPECT_EQ(Login("alice", "phone").status, 401);
  EXPECT_EQ(api_->Post("/v1/refresh", {{"refresh_token", phone.json["refresh_token"]}}).status,
            401);
  EXPECT_EQ(api_->Call("GET", "/v1/me", token).status, 401);
  ChatTestClient again;
  EXPECT_NE(again.Connect(server_->port(), "alice", token, "phone"), 0);
  EXPECT_EQ(api_->Post("/v1/signup", {{"username", "alice"}, {"password", "alice password"}})
                .error_code(),
            "ALREADY_EXISTS");
  auto user = server_->accounts().GetUser("alice");
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(user->state, store::UserState::kDeleted);
  EXPECT_EQ(user->password_hash, "");

  // Profile, devices and push targets are gone.
  auto profiles = api::OpenProfileStore(server_->store_config());
  ASSERT_TRUE(profiles.ok()) << profiles.status().ToString();
  auto profile = (*profiles)->Get("alice");
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->display_name, "");
  auto devices = (*profiles)->ListDevices("alice");
  ASSERT_TRUE(devices.ok());
  EXPECT_TRUE(devices->empty());

  // Her message stays, still hers.
  auto history = bob.Request(protocol::Op::kHistory, conv, {{"after_seq", 0}});
  ASSERT_TRUE(history.ok()) << history.Describe();
  ASSERT_EQ((*history.body)["messages"].size(), 1u);
  EXPECT_EQ((*history.body)["messages"][0]["sender"], "alice");
  EXPECT_EQ((*history.body)["messages"][0]["text"], "before I go");
}

INSTANTIATE_TEST_SUITE_P(Stores, ApiAccountDeletionTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) { return StoreKindName(info.param); });

}  // namespace
}  // namespace mqchat::test
