// The server-to-server admin API (api/src/admin.h) of the real mqchat-api beside a real broker,
// on SQLite and PostgreSQL: an app backend creates two users, mints access tokens for them, and
// the users chat over MQTT with those tokens; disabling one ends its MQTT session and its
// tokens; a wrong or missing admin key gets the same 401 JSON error, and malformed requests a
// 4xx, changing nothing.
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
const std::string kAdminKey = "app-backend-admin-key-0123456789abcdef";

class ApiAdminTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<TempDir>("mqchat-admin");
    WriteFile(dir_->File("api.pub.pem"), TestRsaKeys().public_pem);
    WriteFile(dir_->File("admin.key"), kAdminKey + "\n");
    ChatServerOptions opts;
    opts.store = GetParam();
    opts.plugin_opts = {{"jwt_rs256_public_key_file", dir_->File("api.pub.pem")}};
    server_ = ChatServer::Create(std::move(opts));
    if (!server_) return;
    api_ = std::make_unique<ApiProcess>(
        server_->store_config(),
        std::vector<std::pair<std::string, std::string>>{{"admin_key_file",
                                                          dir_->File("admin.key")}});
    ASSERT_TRUE(server_->Start());
    ASSERT_TRUE(api_->Start());
  }

  ApiReply Admin(const std::string& path, const std::string& body = "",
                 const std::string& key = kAdminKey) {
    return api_->Call("POST", path, key, body, body.empty() ? "" : "application/json");
  }
  std::vector<std::string> Usernames() {
    std::vector<std::string> names;
    auto users = server_->accounts().ListUsers();
    EXPECT_TRUE(users.ok());
    if (users.ok()) {
      for (const auto& user : *users) names.push_back(user.username);
    }
    return names;
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> api_;
};

#define REQUIRE_SERVERS() \
  if (!server_ || !api_) GTEST_SKIP() << "servers not available"

TEST_P(ApiAdminTest, BackendCreatesUsersMintsTokensTheyChatAndDisableKicks) {
  REQUIRE_SERVERS();
  auto alice = Admin("/v1/admin/users", R"({"username":"alice"})");
  ASSERT_EQ(alice.status, 201) << alice.body;
  EXPECT_EQ(alice.json["username"], "alice");
  auto bob =
      Admin("/v1/admin/users", R"({"username":"bob","password":"correct horse battery"})");
  ASSERT_EQ(bob.status, 201) << bob.body;
  EXPECT_EQ(Admin("/v1/admin/users", R"({"username":"Bob"})").error_code(), "ALREADY_EXISTS");

  auto alice_token = Admin("/v1/admin/users/alice/tokens");
  auto bob_token = Admin("/v1/admin/users/bob/tokens");
  ASSERT_EQ(alice_token.status, 200) << alice_token.body;
  ASSERT_EQ(bob_token.status, 200) << bob_token.body;
  EXPECT_EQ(alice_token.json["token_type"], "Bearer");
  EXPECT_FALSE(alice_token.json.contains("refresh_token"));
  EXPECT_EQ(Admin("/v1/admin/users/nobody/tokens").status, 404);

  ChatTestClient alice_mqtt, bob_mqtt;
  ASSERT_EQ(alice_mqtt.Connect(server_->port(), "alice", alice_token.json["access_token"]), 0);
  ASSERT_EQ(bob_mqtt.Connect(server_->port(), "bob", bob_token.json["access_token"]), 0);
  const int64_t conv = alice_mqtt.OpenDirect("bob");
  ASSERT_NE(conv, 0);
  auto sent = alice_mqtt.Send(conv, "hello from the backend's user", "m1");
  ASSERT_TRUE(sent.ok()) << sent.Describe();
  auto received = bob_mqtt.WaitMessages(conv, 1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0]["text"], "hello from the backend's user");
  // The password set by the backend works at the API's login too.
  EXPECT_EQ(
      api_->Post("/v1/login", {{"username", "bob"}, {"password", "correct horse battery"}}).status,
      200);

  // Disabling bob ends his MQTT session (the broker's user refresher), not alice's; his token
  // no longer logs in and no new one is minted.
  auto disabled = Admin("/v1/admin/users/bob/disable");
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_TRUE(bob_mqtt.mqtt().WaitDisconnected(kSessionEndDeadline));
  EXPECT_TRUE(alice_mqtt.mqtt().IsConnected());
  ChatTestClient again;
  EXPECT_NE(again.Connect(server_->port(), "bob", bob_token.json["access_token"], "d2"), 0);
  EXPECT_EQ(Admin("/v1/admin/users/bob/tokens").error_code(), "FORBIDDEN");
  EXPECT_EQ(Admin("/v1/admin/users/nobody/disable").status, 404);
}

TEST_P(ApiAdminTest, WrongOrMissingKeyAndMalformedRequestsChangeNothing) {
  REQUIRE_SERVERS();
  const std::string body = R"({"username":"mallory"})";
  auto missing = Admin("/v1/admin/users", body, "");
  auto wrong = Admin("/v1/admin/users", body, kAdminKey + "x");
  auto prefix = Admin("/v1/admin/users", body, kAdminKey.substr(0, 10));
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(missing.error_code(), "UNAUTHENTICATED");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, missing.body);  // the same answer, whatever was presented
  EXPECT_EQ(prefix.body, missing.body);
  EXPECT_EQ(Admin("/v1/admin/users/mallory/tokens", "", "").status, 401);
  EXPECT_EQ(Admin("/v1/admin/users/mallory/disable", "", "nope").status, 401);

  EXPECT_EQ(Admin("/v1/admin/users", "{not json").status, 400);
  EXPECT_EQ(Admin("/v1/admin/users", R"(["mallory"])").status, 400);
  EXPECT_EQ(Admin("/v1/admin/users", R"({"username":"mallory","role":"admin"})").status, 400);
  EXPECT_EQ(Admin("/v1/admin/users", R"({"username":7})").status, 400);
  EXPECT_EQ(Admin("/v1/admin/users", R"({})").status, 400);
  EXPECT_EQ(Admin("/v1/admin/users", R"({"username":"bad name!"})").status, 422);
  EXPECT_EQ(Admin("/v1/admin/users", R"({"username":"mallory","password":"x"})").status, 422);
  EXPECT_EQ(api_->Call("POST", "/v1/admin/users", kAdminKey, body, "text/plain").status, 415);
  EXPECT_EQ(Admin("/v1/admin/users/mallory/disable", "{}").status, 400);
  EXPECT_EQ(Usernames(), std::vector<std::string>{});
}

INSTANTIATE_TEST_SUITE_P(Stores, ApiAdminTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) { return StoreKindName(info.param); });

}  // namespace
}  // namespace mqchat::test
