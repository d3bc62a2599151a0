// ApiService end to end without a socket, on a temporary SQLite store: sign-up, login, the
// access token the brokers accept, discovery, and refusals that change nothing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api_metrics.h"
#include "api_service.h"
#include "auth/jwt.h"
#include "refresh_tokens.h"
#include "session_store.h"
#include "store/store_factory.h"
#include "support/rsa_keys.h"
#include "support/temp_dir.h"

namespace mqchat::api {
namespace {

constexpr int64_t kNow = 1800000000;  // seconds
constexpr int64_t kNowMsPart = 250;  // and milliseconds: tokens carry them in iat

class ApiServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.store.sqlite_path = dir_.File("mqchat.db");
    config_.jwt_private_key_file = "unused";
    config_.jwt_issuer = "https://api.test";
    config_.jwt_audience = "mqchat";
    config_.brokers = {"mqtt://127.0.0.1:1883", "ws://127.0.0.1:8083"};
    Build();
  }
  void Build() {
    service_.reset();
    ApiServiceOptions options;
    options.now_ms = [] { return kNow * 1000 + kNowMsPart; };
    auto service = ApiService::Create(config_, test::TestRsaKeys().private_pem, options);
    ASSERT_TRUE(service.ok()) << service.status().message();
    service_ = std::move(*service);
  }
  ApiResponse Post(const std::string& path, const nlohmann::json& body) {
    return service_->Handle({"POST", path, "application/json", body.dump(), "127.0.0.1"});
  }
  static std::string Code(const ApiResponse& r) {
    return nlohmann::json::parse(r.body)["error"]["code"].get<std::string>();
  }
  std::vector<std::string> Usernames() {
    auto store = store::OpenAccountStore(config_.store);
    EXPECT_TRUE(store.ok());
    std::vector<std::string> names;
    auto users = (*store)->ListUsers();
    EXPECT_TRUE(users.ok());
    for (const auto& user : *users) names.push_back(user.username);
    return names;
  }

  test::TempDir dir_;
  ApiConfig config_;
  std::unique_ptr<ApiService> service_;
};

TEST_F(ApiServiceTest, SignupThenLoginGivesATokenTheBrokersAccept) {
  auto signup = Post("/v1/signup", {{"username", "Alice"}, {"password", "correct horse"}});
  ASSERT_EQ(signup.status, 201) << signup.body;
  EXPECT_EQ(nlohmann::json::parse(signup.body)["username"], "Alice");
  auto login = Post("/v1/login", {{"username", "Alice"}, {"password", "correct horse"}});
  ASSERT_EQ(login.status, 200) << login.body;
  auto body = nlohmann::json::parse(login.body);
  EXPECT_EQ(body["token_type"], "Bearer");
  EXPECT_EQ(body["expires_in"], 900);
  // What the plugin does with plugin_opt_jwt_rs256_public_key_file/issuer/audience.
  auto verifier = auth::JwtVerifier::Create({"", test::TestRsaKeys().public_pem},
                                            {"https://api.test", "mqchat", 30});
  ASSERT_TRUE(verifier.ok());
  auto claims = verifier->Verify(body["access_token"].get<std::string>(), kNow + 10);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->subject, "Alice");
  EXPECT_EQ(claims->exp, kNow + 900);
  EXPECT_EQ(claims->iat, kNow);
  EXPECT_EQ(claims->iat_ms, kNow * 1000 + kNowMsPart);
  EXPECT_FALSE(verifier->Verify(body["access_token"].get<std::string>(), kNow + 1000).ok());
}

TEST_F(ApiServiceTest, UsernamesAreUniqueIgnoringCaseAndFollowTheMqttRules) {
  ASSERT_EQ(Post("/v1/signup", {{"username", "bob"}, {"password", "correct horse"}}).status, 201);
  auto again = Post("/v1/signup", {{"username", "BOB"}, {"password", "other horse"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(Code(again), "ALREADY_EXISTS");
  for (const char* name : {"", "-bob", "a/b", "a+b", "a#", "$sys", "ü", "operator", "Operator"}) {
    auto bad = Post("/v1/signup", {{"username", name}, {"password", "correct horse"}});
    EXPECT_EQ(bad.status, 422) << name;
    EXPECT_EQ(Code(bad), "INVALID") << name;
  }
  auto weak = Post("/v1/signup", {{"username", "carol"}, {"password", "short"}});
  EXPECT_EQ(Code(weak), "INVALID");
  EXPECT_EQ(Usernames(), (std::vector<std::string>{"bob"}));
}

TEST_F(ApiServiceTest, WrongPasswordUnknownUserAndDisabledUser) {
  ASSERT_EQ(Post("/v1/signup", {{"username", "dave"}, {"password", "correct horse"}}).status, 201);
  auto wrong = Post("/v1/login", {{"username", "dave"}, {"password", "wrong horse"}});
  auto unknown = Post("/v1/login", {{"username", "nobody"}, {"password", "correct horse"}});
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);  // nothing tells a wrong password from a missing user
  {
    auto store = store::OpenAccountStore(config_.store);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->SetState("dave", store::UserState::kDisabled).ok());
  }
  auto disabled = Post("/v1/login", {{"username", "dave"}, {"password", "correct horse"}});
  EXPECT_EQ(disabled.status, 403);
  EXPECT_EQ(Code(disabled), "FORBIDDEN");
  EXPECT_EQ(Post("/v1/login", {{"username", "dave"}, {"password", "wrong horse"}}).status, 401);
}

TEST_F(ApiServiceTest, RefreshRotatesAndAReusedTokenRevokesTheFamily) {
  ASSERT_EQ(Post("/v1/signup", {{"username", "fay"}, {"password", "correct horse"}}).status, 201);
  auto login = Post("/v1/login", {{"username", "fay"}, {"password", "correct horse"}});
  ASSERT_EQ(login.status, 200);
  const std::string first = nlohmann::json::parse(login.body)["refresh_token"];
  auto refreshed = Post("/v1/refresh", {{"refresh_token", first}});
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  auto body = nlohmann::json::parse(refreshed.body);
  EXPECT_EQ(body["username"], "fay");
  EXPECT_FALSE(body["access_token"].get<std::string>().empty());
  const std::string second = body["refresh_token"];
  EXPECT_NE(second, first);
  // Only hashes are stored.
  auto sessions = OpenSessionStore(config_.store);
  ASSERT_TRUE(sessions.ok());
  EXPECT_EQ((*sessions)->Get(first).status().code(), Code::kNotFound);
  EXPECT_TRUE((*sessions)->Get(RefreshTokens::HashToken(first)).ok());
  // The old token again: refused, and its successor dies with it.
  auto reuse = Post("/v1/refresh", {{"refresh_token", first}});
  EXPECT_EQ(reuse.status, 401);
  EXPECT_EQ(Code(reuse), "UNAUTHENTICATED");
  EXPECT_EQ(Post("/v1/refresh", {{"refresh_token", second}}).status, 401);
  // A new login is a new family, unaffected.
  auto again = Post("/v1/login", {{"username", "fay"}, {"password", "correct horse"}});
  const std::string third = nlohmann::json::parse(again.body)["refresh_token"];
  EXPECT_EQ(Post("/v1/refresh", {{"refresh_token", third}}).status, 200);
}

TEST_F(ApiServiceTest, LogoutRevokesAndDisabledUsersCannotRefresh) {
  ASSERT_EQ(Post("/v1/signup", {{"username", "gus"}, {"password", "correct horse"}}).status, 201);
  auto token = [&] {
    auto login = Post("/v1/login", {{"username", "gus"}, {"password", "correct horse"}});
    return nlohmann::json::parse(login.body)["refresh_token"].get<std::string>();
  };
  const std::string a = token();
  auto logout = Post("/v1/logout", {{"refresh_token", a}});
  EXPECT_EQ(logout.status, 200);
  EXPECT_EQ(logout.body, "{}");
  EXPECT_EQ(Post("/v1/refresh", {{"refresh_token", a}}).status, 401);
  EXPECT_EQ(Post("/v1/logout", {{"refresh_token", "not-a-token"}}).status, 401);
  const std::string b = token();
  {
    auto store = store::OpenAccountStore(config_.store);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->SetState("gus", store::UserState::kDisabled).ok());
  }
  EXPECT_EQ(Post("/v1/refresh", {{"refresh_token", b}}).status, 401);
  for (const auto& bad : {nlohmann::json::object(), nlohmann::json{{"refresh_token", 5}},
                          nlohmann::json{{"refresh_token", b}, {"x", 1}}}) {
    EXPECT_EQ(Code(Post("/v1/refresh", bad)), "BAD_REQUEST") << bad.dump();
  }
}

TEST_F(ApiServiceTest, ExpiredRefreshTokensAreRefused) {
  int64_t now = kNow * 1000;
  config_.refresh_token_ttl_s = 3600;
  service_.reset();
  ApiServiceOptions options;
  options.now_ms = [&now] { return now; };
  auto service = ApiService::Create(config_, test::TestRsaKeys().private_pem, options);
  ASSERT_TRUE(service.ok());
  service_ = std::move(*service);
  ASSERT_EQ(Post("/v1/signup", {{"username", "hal"}, {"password", "correct horse"}}).status, 201);
  auto login = Post("/v1/login", {{"username", "hal"}, {"password", "correct horse"}});
  const std::string token = nlohmann::json::parse(login.body)["refresh_token"];
  now += 3600 * 1000;
  EXPECT_EQ(Post("/v1/refresh", {{"refresh_token", token}}).status, 401);
}

TEST_F(ApiServiceTest, ClosedSignupRefusesAndCreatesNobody) {
  config_.signup = SignupMode::kClosed;
  Build();
  auto closed = Post("/v1/signup", {{"username", "erin"}, {"password", "correct horse"}});
  EXPECT_EQ(closed.status, 403);
  EXPECT_EQ(Code(closed), "FORBIDDEN");
  EXPECT_TRUE(Usernames().empty());
}

TEST_F(ApiServiceTest, HealthAndConnect) {
  auto health = service_->Handle({"GET", "/v1/health", "", "", ""});
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  auto connect = service_->Handle({"GET", "/v1/connect", "", "", ""});
  EXPECT_EQ(nlohmann::json::parse(connect.body),
            (nlohmann::json{{"brokers",
                             {{{"url", "mqtt://127.0.0.1:1883"}}, {{"url", "ws://127.0.0.1:8083"}}}}}));
}

TEST_F(ApiServiceTest, RefusesAKeyThatCannotSign) {
  EXPECT_FALSE(ApiService::Create(config_, "not a key").ok());
  EXPECT_FALSE(ApiService::Create(config_, test::TestRsaKeys().public_pem).ok());
}

// The count of one child of `family` (0 if it has none yet).
uint64_t Count(const metrics::CounterFamily& family, const std::vector<std::string>& labels) {
  for (const auto& [values, count] : family.Snapshot()) {
    if (values == labels) return count;
  }
  return 0;
}

// Metrics (api_metrics.h): each request counted under its route template (never its path),
// sign-ups, logins and refreshes by outcome, a reused refresh token apart from an invalid one.
TEST_F(ApiServiceTest, RequestsAreCountedByRouteTemplateAndOutcome) {
  ApiInstruments& m = ApiMetrics();  // process-wide: compare with the counts before
  const std::vector<std::vector<std::string>> requests = {
      {"/v1/signup", "POST", "2xx"}, {"/v1/signup", "POST", "4xx"},
      {"/v1/users/{name}", "GET", "4xx"}, {"unmatched", "GET", "4xx"},
      {"/v1/login", "other", "4xx"}};
  const std::vector<std::pair<metrics::CounterFamily*, std::string>> outcomes = {
      {&m.signups, "ok"},      {&m.signups, "taken"},     {&m.logins, "ok"},
      {&m.logins, "refused"},  {&m.refreshes, "ok"},      {&m.refreshes, "reuse_detected"},
      {&m.refreshes, "invalid"}};
  std::vector<uint64_t> before;
  for (const auto& labels : requests) before.push_back(Count(m.requests, labels));
  for (const auto& [family, outcome] : outcomes) before.push_back(Count(*family, {outcome}));
  const uint64_t timed_before = m.duration.Cumulative().back();

  ASSERT_EQ(Post("/v1/signup", {{"username", "gus"}, {"password", "correct horse"}}).status, 201);
  EXPECT_EQ(Post("/v1/signup", {{"username", "GUS"}, {"password", "correct horse"}}).status, 409);
  auto login = Post("/v1/login", {{"username", "gus"}, {"password", "correct horse"}});
  ASSERT_EQ(login.status, 200);
  EXPECT_EQ(Post("/v1/login", {{"username", "gus"}, {"password", "wrong horse"}}).status, 401);
  const std::string token = nlohmann::json::parse(login.body)["refresh_token"];
  EXPECT_EQ(Post("/v1/refresh", {{"refresh_token", token}}).status, 200);
  EXPECT_EQ(Post("/v1/refresh", {{"refresh_token", token}}).status, 401);  // reused
  EXPECT_EQ(Post("/v1/refresh", {{"refresh_token", "made-up"}}).status, 401);
  EXPECT_EQ(service_->Handle({"GET", "/v1/users/gus", "", "", "127.0.0.1"}).status, 401);
  EXPECT_EQ(service_->Handle({"GET", "/v1/gus-was-here", "", "", "127.0.0.1"}).status, 404);
  EXPECT_EQ(service_->Handle({"BREW", "/v1/login", "", "", "127.0.0.1"}).status, 405);

  std::vector<uint64_t> after;
  for (const auto& labels : requests) after.push_back(Count(m.requests, labels));
  for (const auto& [family, outcome] : outcomes) after.push_back(Count(*family, {outcome}));
  const std::vector<uint64_t> moved = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  ASSERT_EQ(after.size(), moved.size());
  for (size_t i = 0; i < moved.size(); ++i) {
    EXPECT_EQ(after[i] - before[i], moved[i]) << "counter " << i;
  }
  EXPECT_EQ(m.duration.Cumulative().back() - timed_before, 10u);
  const std::string rendered = ApiRegistry().Render();
  EXPECT_EQ(rendered.find("gus"), std::string::npos) << "a path or a user name in a label";
  EXPECT_EQ(rendered.find("BREW"), std::string::npos);
}

}  // namespace
}  // namespace mqchat::api
