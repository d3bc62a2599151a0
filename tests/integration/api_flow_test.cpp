// The real mqchat-api process beside a real broker on the same store, on SQLite and PostgreSQL:
// sign up and log in over HTTP, connect to the broker with the access token, chat; refresh
// rotation and reuse detection; login with any spelling of a name; closed and invite-only
// sign-up (`mqchatctl invite create`); every malformed request gets a 4xx JSON error and changes
// nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/base64url.h"
#include "invites.h"
#include "session_store.h"
#include "support/api_process.h"
#include "support/chat_client.h"
#include "support/chat_server.h"
#include "support/subprocess.h"
#include "support/rsa_keys.h"
#include "support/temp_dir.h"
#include "support/test_paths.h"

namespace mqchat::test {
namespace {

// The claims of a JWT (its middle part), unverified.
nlohmann::json JwtClaims(const std::string& token) {
  const size_t first = token.find('.');
  const size_t second = token.find('.', first + 1);
  auto payload = auth::Base64UrlDecode(token.substr(first + 1, second - first - 1));
  EXPECT_TRUE(payload.ok());
  return payload.ok() ? nlohmann::json::parse(*payload) : nlohmann::json();
}

class ApiFlowTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  // Starts a broker that accepts the API's tokens (RS256, TestRsaKeys' public key) and the API
  // on the broker's store.
  void StartBoth(std::vector<std::pair<std::string, std::string>> api_options = {}) {
    key_dir_ = std::make_unique<TempDir>("mqchat-keys");
    WriteFile(key_dir_->File("api.pub.pem"), TestRsaKeys().public_pem);
    ChatServerOptions opts;
    opts.store = GetParam();
    opts.plugin_opts = {{"jwt_rs256_public_key_file", key_dir_->File("api.pub.pem")},
                        {"auth_fail_max", "1000"}};
    server_ = ChatServer::Create(std::move(opts));
    if (!server_) return;
    api_ = std::make_unique<ApiProcess>(server_->store_config(), std::move(api_options));
    ASSERT_TRUE(server_->Start());
    ASSERT_TRUE(api_->Start());
  }

  ApiReply Signup(const std::string& user, const std::string& password) {
    return api_->Post("/v1/signup", {{"username", user}, {"password", password}});
  }
  ApiReply Login(const std::string& user, const std::string& password) {
    return api_->Post("/v1/login", {{"username", user}, {"password", password}});
  }
  RunResult Ctl(std::vector<std::string> words) {
    std::vector<std::string> argv = {MQCHATCTL_PATH};
    auto store = server_->CtlStoreArgs();
    argv.insert(argv.end(), store.begin(), store.end());
    argv.insert(argv.end(), words.begin(), words.end());
    return RunCommand(argv);
  }
  // A new invite code from `mqchatctl invite create` (empty on failure).
  std::string CreateInvite(const std::string& uses) {
    auto run = Ctl({"invite", "create", "--uses", uses, "--ttl-s", "3600"});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    std::string code = run.output;
    while (!code.empty() && code.back() == '\n') code.pop_back();
    return run.exit_code == 0 ? code : "";
  }
  ApiReply InvitedSignup(const std::string& user, const std::string& code) {
    return api_->Post("/v1/signup", {{"username", user},
                                     {"password", user + " password"},
                                     {"invite_code", code}});
  }
  std::vector<std::string> Usernames() {
    std::vector<std::string> names;
    auto users = server_->accounts().ListUsers();
    EXPECT_TRUE(users.ok());
    for (const auto& user : *users) names.push_back(user.username);
    return names;
  }

  std::unique_ptr<TempDir> key_dir_;
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> api_;
};

#define REQUIRE_SERVERS() \
  if (!server_ || !api_) GTEST_SKIP() << "servers not available"

TEST_P(ApiFlowTest, SignupLoginConnectWithTheTokenAndChat) {
  StartBoth();
  REQUIRE_SERVERS();
  ASSERT_EQ(Signup("alice", "alice password").status, 201);
  ASSERT_EQ(Signup("bob", "bob password").status, 201);
  auto alice_login = Login("alice", "alice password");
  auto bob_login = Login("bob", "bob password");
  ASSERT_EQ(alice_login.status, 200) << alice_login.body;
  ASSERT_EQ(bob_login.status, 200) << bob_login.body;
  const std::string alice_token = alice_login.json["access_token"];
  const std::string bob_token = bob_login.json["access_token"];

  ChatTestClient alice, bob;
  ASSERT_EQ(alice.Connect(server_->port(), "alice", alice_token), 0);
  ASSERT_EQ(bob.Connect(server_->port(), "bob", bob_token), 0);
  const int64_t conv = alice.OpenDirect("bob");
  ASSERT_NE(conv, 0);
  auto sent = alice.Send(conv, "hello from the API", "m1");
  ASSERT_TRUE(sent.ok()) << sent.Describe();
  auto received = bob.WaitMessages(conv, 1);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0]["text"], "hello from the API");

  // Alice's token is hers only; a wrong password gets no token.
  ChatTestClient mallory;
  EXPECT_NE(mallory.Connect(server_->port(), "bob", alice_token, "m"), 0);
  EXPECT_EQ(Login("alice", "bob password").status, 401);
}

TEST_P(ApiFlowTest, RefreshRotatesReuseRevokesTheFamilyAndTheNewTokenConnects) {
  StartBoth();
  REQUIRE_SERVERS();
  ASSERT_EQ(Signup("alice", "alice password").status, 201);
  auto login = Login("alice", "alice password");
  ASSERT_EQ(login.status, 200);
  const std::string first = login.json["refresh_token"];
  auto refreshed = api_->Post("/v1/refresh", {{"refresh_token", first}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  const std::string second = refreshed.json["refresh_token"];
  ChatTestClient alice;
  EXPECT_EQ(alice.Connect(server_->port(), "alice", refreshed.json["access_token"]), 0);
  auto reuse = api_->Post("/v1/refresh", {{"refresh_token", first}});
  EXPECT_EQ(reuse.status, 401);
  EXPECT_EQ(reuse.error_code(), "UNAUTHENTICATED");
  EXPECT_EQ(api_->Post("/v1/refresh", {{"refresh_token", second}}).status, 401);
  // Logout ends a new family.
  const std::string third = Login("alice", "alice password").json["refresh_token"];
  EXPECT_EQ(api_->Post("/v1/logout", {{"refresh_token", third}}).status, 200);
  EXPECT_EQ(api_->Post("/v1/refresh", {{"refresh_token", third}}).status, 401);
}

TEST_P(ApiFlowTest, LoginWithAnotherSpellingLogsInTheStoredAccount) {
  StartBoth();
  REQUIRE_SERVERS();
  ASSERT_EQ(Signup("Alice", "alice password").status, 201);
  for (const std::string spelling : {"alice", "ALICE", "Alice"}) {
    auto login = Login(spelling, "alice password");
    ASSERT_EQ(login.status, 200) << spelling << " " << login.body;
    EXPECT_EQ(login.json["username"], "Alice") << spelling;
    const std::string token = login.json["access_token"];
    EXPECT_EQ(JwtClaims(token)["sub"], "Alice") << spelling;
    ChatTestClient alice;
    EXPECT_EQ(alice.Connect(server_->port(), "Alice", token, "d-" + spelling), 0) << spelling;
    // The refresh token's family is the stored account's too.
    auto refreshed = api_->Post("/v1/refresh", {{"refresh_token", login.json["refresh_token"]}});
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    EXPECT_EQ(refreshed.json["username"], "Alice");
  }
  EXPECT_EQ(Login("ALICE", "wrong password").status, 401);
  EXPECT_EQ(Usernames(), (std::vector<std::string>{"Alice"}));
}

TEST_P(ApiFlowTest, ClosedSignupCreatesNobody) {
  StartBoth({{"signup", "closed"}});
  REQUIRE_SERVERS();
  auto reply = Signup("carol", "carol password");
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.error_code(), "FORBIDDEN");
  EXPECT_TRUE(Usernames().empty());
}

TEST_P(ApiFlowTest, InviteOnlySignupTakesOneUsePerAccountAndRefusalsChangeNothing) {
  StartBoth({{"signup", "invite"}});
  REQUIRE_SERVERS();
  const std::string two_uses = CreateInvite("2");
  ASSERT_FALSE(two_uses.empty());
  EXPECT_EQ(Ctl({"invite", "create", "--uses", "0"}).exit_code, 1);   // refused
  EXPECT_EQ(Ctl({"invite", "create", "--ttl-s", "x"}).exit_code, 2);  // usage
  EXPECT_EQ(Ctl({"invite", "create", "--colour", "1"}).exit_code, 2);
  // An expired code (inserted directly: no waiting for a clock).
  const std::string expired = "expired-invite-code";
  {
    auto sessions = api::OpenSessionStore(server_->store_config());
    ASSERT_TRUE(sessions.ok()) << sessions.status().message();
    ASSERT_TRUE((*sessions)->InsertInvite(api::HashInviteCode(expired), 1000, 2000, 5).ok());
  }

  auto missing = Signup("alice", "alice password");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.error_code(), "BAD_REQUEST");
  for (const std::string& bad : {std::string("not-a-code"), expired, std::string()}) {
    auto reply = InvitedSignup("alice", bad);
    EXPECT_EQ(reply.status, 403) << bad;
    EXPECT_EQ(reply.error_code(), "FORBIDDEN") << bad << " " << reply.body;
    EXPECT_EQ(reply.content_type, "application/json");
  }
  EXPECT_TRUE(Usernames().empty());

  ASSERT_EQ(InvitedSignup("alice", two_uses).status, 201);
  // A name taken in another case does not spend the use.
  EXPECT_EQ(InvitedSignup("ALICE", two_uses).status, 409);
  ASSERT_EQ(InvitedSignup("bob", two_uses).status, 201);
  auto used_up = InvitedSignup("carol", two_uses);
  EXPECT_EQ(used_up.status, 403);
  EXPECT_EQ(used_up.error_code(), "FORBIDDEN");
  EXPECT_EQ(Usernames(), (std::vector<std::string>{"alice", "bob"}));

  // The invited account logs in and chats like any other.
  auto login = Login("bob", "bob password");
  ASSERT_EQ(login.status, 200) << login.body;
  ChatTestClient bob;
  EXPECT_EQ(bob.Connect(server_->port(), "bob", login.json["access_token"]), 0);
}

TEST_P(ApiFlowTest, OpenSignupRefusesAnInviteCode) {
  StartBoth();
  REQUIRE_SERVERS();
  auto reply = InvitedSignup("alice", "some-code");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.error_code(), "BAD_REQUEST");
  EXPECT_TRUE(Usernames().empty());
}

TEST_P(ApiFlowTest, EveryMalformedRequestGetsA4xxJsonErrorAndChangesNothing) {
  StartBoth({{"max_body_bytes", "2048"}});
  REQUIRE_SERVERS();
  ASSERT_EQ(Signup("dave", "dave password").status, 201);
  struct Case {
    std::string path, body, content_type;
    int status;
    std::string code;
  };
  const std::string valid = R"({"username":"erin","password":"erin password"})";
  const std::vector<Case> cases = {
      {"/v1/signup", valid, "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"},
      {"/v1/signup", R"({"username":"erin",)", "application/json", 400, "BAD_REQUEST"},
      {"/v1/signup", R"([1,2])", "application/json", 400, "BAD_REQUEST"},
      {"/v1/signup", R"({"username":"erin","password":"erin password","admin":true})",
       "application/json", 400, "BAD_REQUEST"},
      {"/v1/signup", R"({"username":"erin","password":7})", "application/json", 400,
       "BAD_REQUEST"},
      {"/v1/signup", R"({"username":"erin"})", "application/json", 400, "BAD_REQUEST"},
      {"/v1/signup", R"({"username":"er/in","password":"erin password"})", "application/json",
       422, "INVALID"},
      {"/v1/signup", R"({"username":"DAVE","password":"erin password"})", "application/json",
       409, "ALREADY_EXISTS"},
      {"/v1/signup", "{\"username\":\"erin\",\"password\":\"" + std::string(4000, 'p') + "\"}",
       "application/json", 413, "TOO_LARGE"},
      {"/v1/login", R"({"username":"dave"})", "application/json", 400, "BAD_REQUEST"},
      {"/v1/login", R"({"username":"dave","password":"wrong password"})", "application/json",
       401, "UNAUTHENTICATED"},
      {"/v2/signup", valid, "application/json", 404, "NOT_FOUND"},
      {"/v1/health", valid, "application/json", 405, "METHOD_NOT_ALLOWED"},
  };
  for (const auto& c : cases) {
    auto reply = api_->PostRaw(c.path, c.body, c.content_type);
    EXPECT_EQ(reply.status, c.status) << c.path << " " << c.body.substr(0, 80);
    EXPECT_EQ(reply.error_code(), c.code) << c.path << " " << reply.body;
    EXPECT_EQ(reply.content_type, "application/json") << c.path;
  }
  for (const std::string method : {"PUT", "DELETE", "PATCH"}) {
    auto reply = api_->Send(method, "/v1/signup");
    EXPECT_EQ(reply.status, 405) << method;
    EXPECT_EQ(reply.error_code(), "METHOD_NOT_ALLOWED") << method;
  }
  EXPECT_EQ(Usernames(), (std::vector<std::string>{"dave"}));
  EXPECT_EQ(api_->Get("/v1/health").json, (nlohmann::json{{"status", "ok"}}));
}

TEST_P(ApiFlowTest, ConnectListsTheConfiguredBrokers) {
  StartBoth({{"broker", "mqtt://127.0.0.1:1883"}, {"broker", "ws://127.0.0.1:8083"}});
  REQUIRE_SERVERS();
  auto reply = api_->Get("/v1/connect");
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json["brokers"].size(), 2u);
  EXPECT_EQ(reply.json["brokers"][0]["url"], "mqtt://127.0.0.1:1883");
}

INSTANTIATE_TEST_SUITE_P(Stores, ApiFlowTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) { return StoreKindName(info.param); });

}  // namespace
}  // namespace mqchat::test
