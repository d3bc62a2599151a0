// The profile side of the API service without a socket, on a temporary SQLite store: the
// router's pattern paths, bearer authentication, the lookup budget refilling with time, and
// the avatar limit when it is below max_body_bytes.
#include <sqlite3.h>

#include <atomic>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api_service.h"
#include "router.h"
#include "support/rsa_keys.h"
#include "support/temp_dir.h"

namespace mqchat::api {
namespace {

using namespace std::string_literals;

TEST(RouterPatternTest, MatchesSegmentsExactPathsFirstAnd405ForOtherMethods) {
  Router router;
  auto echo = [](const std::string& tag) {
    return [tag](const ApiRequest& r) {
      nlohmann::json params = r.path_params;
      return JsonResponse(200, {{"tag", tag}, {"params", params}});
    };
  };
  router.Add("GET", "/v1/users/{name}", echo("user"));
  router.Add("GET", "/v1/users/{name}/avatar", echo("avatar"));
  router.Add("GET", "/v1/users/me", echo("exact"));
  auto body = [&](const std::string& method, const std::string& path) {
    ApiResponse r = router.Dispatch({method, path, "", "", "127.0.0.1"});
    return std::make_pair(r.status, nlohmann::json::parse(r.body));
  };
  auto [status, user] = body("GET", "/v1/users/alice");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(user["tag"], "user");
  EXPECT_EQ(user["params"], nlohmann::json::array({"alice"}));
  EXPECT_EQ(body("GET", "/v1/users/bob/avatar").second["params"], nlohmann::json({"bob"}));
  EXPECT_EQ(body("GET", "/v1/users/me").second["tag"], "exact");
  EXPECT_EQ(body("GET", "/v1/users/").first, 404) << "an empty segment matches nothing";
  EXPECT_EQ(body("GET", "/v1/users/a/b").first, 404);
  EXPECT_EQ(body("GET", "/v1/users/a/avatar/x").first, 404);
  EXPECT_EQ(body("PUT", "/v1/users/alice").first, 405);
}

class ApiProfilesServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.store.sqlite_path = dir_.File("mqchat.db");
    config_.jwt_private_key_file = "unused";
    config_.blob_dir = dir_.File("blobs");
    config_.max_body_bytes = 16384;
    config_.avatar_max_bytes = 2048;
    config_.lookup_per_minute = 2;
    ApiServiceOptions options;
    options.now_ms = [this] { return now_ms_.load(); };
    auto service = ApiService::Create(config_, test::TestRsaKeys().private_pem, options);
    ASSERT_TRUE(service.ok()) << service.status().message();
    service_ = std::move(*service);
  }
  ApiResponse Call(const std::string& method, const std::string& path, const std::string& token,
                   const std::string& body = "", const std::string& type = "application/json",
                   std::vector<std::pair<std::string, std::string>> query = {}) {
    ApiRequest request{method, path, type, body, "127.0.0.1"};
    request.authorization = token.empty() ? "" : "Bearer " + token;
    request.query = std::move(query);
    return service_->Handle(request);
  }
  // Signs `user` up and logs in: the access token.
  std::string Join(const std::string& user) {
    nlohmann::json credentials = {{"username", user}, {"password", user + " password"}};
    EXPECT_EQ(Call("POST", "/v1/signup", "", credentials.dump()).status, 201);
    auto login = Call("POST", "/v1/login", "", credentials.dump());
    EXPECT_EQ(login.status, 200) << login.body;
    return nlohmann::json::parse(login.body).value("access_token", "");
  }

  test::TempDir dir_;
  ApiConfig config_;
  std::atomic<int64_t> now_ms_{1800000000000};
  std::unique_ptr<ApiService> service_;
};

TEST_F(ApiProfilesServiceTest, BearerTokensAreCheckedAndRefusalsSayHow) {
  const std::string alice = Join("alice");
  EXPECT_EQ(Call("GET", "/v1/me", alice).status, 200);
  for (const std::string& authorization : {""s, "Bearer"s, "Basic YWxpY2U6cHc="s,
                                           "Bearer " + alice + "x"}) {
    ApiRequest request{"GET", "/v1/me", "", "", "127.0.0.1"};
    request.authorization = authorization;
    ApiResponse r = service_->Handle(request);
    EXPECT_EQ(r.status, 401) << authorization;
    ASSERT_EQ(r.headers.size(), 1u);
    EXPECT_EQ(r.headers[0], std::make_pair("WWW-Authenticate"s, "Bearer"s));
  }
  ApiRequest lower{"GET", "/v1/me", "", "", "127.0.0.1"};
  lower.authorization = "bearer " + alice;
  EXPECT_EQ(service_->Handle(lower).status, 200) << "the scheme ignores case";
  now_ms_ += 901 * 1000 + 30 * 1000;  // past exp and the leeway
  EXPECT_EQ(Call("GET", "/v1/me", alice).status, 401);
}

TEST_F(ApiProfilesServiceTest, LookupBudgetRefillsWithTime) {
  const std::string alice = Join("alice");
  const std::vector<std::pair<std::string, std::string>> query = {{"prefix", "al"}};
  EXPECT_EQ(Call("GET", "/v1/users", alice, "", "", query).status, 200);
  EXPECT_EQ(Call("GET", "/v1/users", alice, "", "", query).status, 200);
  ApiResponse limited = Call("GET", "/v1/users", alice, "", "", query);
  EXPECT_EQ(limited.status, 429);
  ASSERT_EQ(limited.headers.size(), 1u);
  EXPECT_EQ(limited.headers[0], std::make_pair("Retry-After"s, "30"s));
  now_ms_ += 29000;
  EXPECT_EQ(Call("GET", "/v1/users", alice, "", "", query).status, 429);
  now_ms_ += 1000;
  EXPECT_EQ(Call("GET", "/v1/users", alice, "", "", query).status, 200);
}

TEST_F(ApiProfilesServiceTest, AvatarLimitBelowTheJsonLimitIsKeptByTheHandler) {
  const std::string alice = Join("alice");
  const std::string png = "\x89PNG\r\n\x1a\n"s;
  EXPECT_EQ(Call("PUT", "/v1/me/avatar", alice, png + std::string(2040, 'x'), "image/png").status,
            200);
  ApiResponse big = Call("PUT", "/v1/me/avatar", alice, png + std::string(2041, 'x'), "image/png");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(nlohmann::json::parse(big.body)["error"]["code"], "TOO_LARGE");
}

TEST_F(ApiProfilesServiceTest, ProfilesOfConversationPeersOnly) {
  const std::string alice = Join("alice");
  const std::string bob = Join("bob");
  Join("carol");
  ASSERT_EQ(Call("PATCH", "/v1/me", bob, R"({"display_name":"Bob B"})").status, 200);
  EXPECT_EQ(Call("GET", "/v1/users/bob", alice).status, 404);
  // A conversation of alice and bob, as the brokers' store keeps it.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(config_.store.sqlite_path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "INSERT INTO conversations (conversation_id, kind, created_at_ms) "
                         "VALUES (7, 2, 0);"
                         "INSERT INTO members (conversation_id, username, joined_at_ms) "
                         "VALUES (7, 'alice', 0), (7, 'bob', 0);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  ApiResponse seen = Call("GET", "/v1/users/bob", alice);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(nlohmann::json::parse(seen.body)["display_name"], "Bob B");
  const std::string carol_token = nlohmann::json::parse(
      Call("POST", "/v1/login", "",
           nlohmann::json{{"username", "carol"}, {"password", "carol password"}}.dump())
          .body)["access_token"];
  EXPECT_EQ(Call("GET", "/v1/users/bob", carol_token).body,
            Call("GET", "/v1/users/nobody", carol_token).body);
}

}  // namespace
}  // namespace mqchat::api
