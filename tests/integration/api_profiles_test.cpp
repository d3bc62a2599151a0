// The real mqchat-api process beside a real broker on the same store, on SQLite and PostgreSQL:
// profiles (PATCH/GET /v1/me, display name at sign-up), who may see a profile (a user one shares
// a conversation with; anyone else gets the same 404 as a user who does not exist), avatars
// (upload, download, 413 over the limit, 415 for what is not an image, the old blob removed),
// lookup of discoverable users with its rate limit, and the device list and sign-out.
#include <dirent.h>

#include <chrono>
#include <functional>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "protocol/ops.h"
#include "support/api_process.h"
#include "support/chat_client.h"
#include "support/chat_server.h"
#include "support/rsa_keys.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

using namespace std::string_literals;

constexpr int kAvatarMaxBytes = 4096;
constexpr int kLookupsPerMinute = 5;

// The smallest things the server takes for each type: only the leading bytes count.
const std::string kPng = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR first avatar"s;
const std::string kGif = "GIF89a\x01\0\x01\0 second avatar"s;

// Files under `dir`, recursively (the blob store's shards).
int CountFiles(const std::string& dir) {
  int count = 0;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return 0;
  while (dirent* entry = readdir(d)) {
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (entry->d_type == DT_DIR) {
      count += CountFiles(dir + "/" + name);
    } else {
      ++count;
    }
  }
  closedir(d);
  return count;
}

class ApiProfilesTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    key_dir_ = std::make_unique<TempDir>("mqchat-keys");
    WriteFile(key_dir_->File("api.pub.pem"), TestRsaKeys().public_pem);
    ChatServerOptions opts;
    opts.store = GetParam();
    opts.plugin_opts = {{"jwt_rs256_public_key_file", key_dir_->File("api.pub.pem")}};
    server_ = ChatServer::Create(std::move(opts));
    if (!server_) return;
    blob_dir_ = std::make_unique<TempDir>("mqchat-blobs");
    api_ = std::make_unique<ApiProcess>(
        server_->store_config(),
        std::vector<std::pair<std::string, std::string>>{
            {"blob_dir", blob_dir_->File("avatars")},
            {"avatar_max_bytes", std::to_string(kAvatarMaxBytes)},
            {"lookup_per_minute", std::to_string(kLookupsPerMinute)}});
    ASSERT_TRUE(server_->Start());
    ASSERT_TRUE(api_->Start());
  }

  // Signs `user` up (password "<user> password") and logs in from `device`: the access token.
  std::string Join(const std::string& user, const std::string& display_name = "",
                   const std::string& device = "d1") {
    nlohmann::json body = {{"username", user}, {"password", user + " password"}};
    if (!display_name.empty()) body["display_name"] = display_name;
    auto signup = api_->Post("/v1/signup", body);
    EXPECT_EQ(signup.status, 201) << signup.body;
    return Login(user, device).json.value("access_token", "");
  }
  ApiReply Login(const std::string& user, const std::string& device,
                 const std::string& platform = "") {
    nlohmann::json body = {{"username", user}, {"password", user + " password"},
                           {"device_id", device}};
    if (!platform.empty()) body["platform"] = platform;
    auto reply = api_->Post("/v1/login", body);
    EXPECT_EQ(reply.status, 200) << reply.body;
    return reply;
  }
  ApiReply Patch(const std::string& token, const std::string& body) {
    return api_->Call("PATCH", "/v1/me", token, body, "application/json");
  }

  std::unique_ptr<TempDir> key_dir_;
  std::unique_ptr<TempDir> blob_dir_;
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> api_;
};

#define REQUIRE_SERVERS() \
  if (!server_ || !api_) GTEST_SKIP() << "servers not available"

TEST_P(ApiProfilesTest, ProfileUpdateAndReadAndRefusalsChangeNothing) {
  REQUIRE_SERVERS();
  const std::string alice = Join("alice", "Alice Liddell");
  auto me = api_->Call("GET", "/v1/me", alice);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json["username"], "alice");
  EXPECT_EQ(me.json["display_name"], "Alice Liddell");
  EXPECT_EQ(me.json["status_text"], "");
  EXPECT_TRUE(me.json["avatar"].is_null());
  EXPECT_EQ(me.json["discoverable"], false) << "off until the user opts in";

  auto patched = Patch(alice, R"({"status_text":"down the rabbit hole ☕","display_name":"Al"})");
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json["display_name"], "Al");
  EXPECT_EQ(patched.json["status_text"], "down the rabbit hole ☕");

  // Every malformed or refused change is a 4xx JSON error and changes nothing.
  const std::vector<std::pair<std::string, int>> refused = {
      {"{not json", 400},
      {"[]", 400},
      {"{}", 400},
      {R"({"display_name":"x","colour":"red"})", 400},
      {R"({"display_name":42})", 400},
      {R"({"discoverable":"yes"})", 400},
      {R"({"display_name":")" + std::string(65, 'x') + R"("})", 422},
      {R"({"status_text":"line\nbreak"})", 422},
      {"{\"display_name\":\"\xff\"}", 400}};
  for (const auto& [body, status] : refused) {
    auto reply = Patch(alice, body);
    EXPECT_EQ(reply.status, status) << body << " -> " << reply.body;
    EXPECT_TRUE(reply.json.is_object() && reply.json.contains("error")) << reply.body;
  }
  EXPECT_EQ(api_->Call("PATCH", "/v1/me", alice, R"({"display_name":"x"})", "text/plain").status,
            415);
  EXPECT_EQ(api_->Call("PATCH", "/v1/me", "", R"({"display_name":"x"})", "application/json")
                .error_code(),
            "UNAUTHENTICATED");
  EXPECT_EQ(api_->Call("GET", "/v1/me", "not.a.token").status, 401);
  me = api_->Call("GET", "/v1/me", alice);
  EXPECT_EQ(me.json["display_name"], "Al");
  EXPECT_EQ(me.json["status_text"], "down the rabbit hole ☕");

  // Log out everywhere ends this access token at the API too.
  auto login = Login("alice", "d2");
  ASSERT_EQ(api_->Post("/v1/logout_all", {{"refresh_token", login.json["refresh_token"]}}).status,
            200);
  EXPECT_EQ(api_->Call("GET", "/v1/me", alice).status, 401);
}

TEST_P(ApiProfilesTest, OnlyUsersSharingAConversationSeeAProfile) {
  REQUIRE_SERVERS();
  const std::string alice = Join("alice", "Alice");
  const std::string bob = Join("bob", "Bob");
  const std::string carol = Join("carol");
  // Strangers look exactly like users who do not exist.
  auto stranger = api_->Call("GET", "/v1/users/bob", alice);
  auto nobody = api_->Call("GET", "/v1/users/nobody", alice);
  EXPECT_EQ(stranger.status, 404);
  EXPECT_EQ(stranger.body, nobody.body);
  EXPECT_EQ(api_->Call("GET", "/v1/users/bob", "").status, 401);

  ChatTestClient alice_mqtt, bob_mqtt;
  ASSERT_EQ(alice_mqtt.Connect(server_->port(), "alice", alice), 0);
  ASSERT_EQ(bob_mqtt.Connect(server_->port(), "bob", bob), 0);
  ASSERT_NE(alice_mqtt.OpenDirect("bob"), 0);

  auto seen = api_->Call("GET", "/v1/users/bob", alice);
  ASSERT_EQ(seen.status, 200) << seen.body;
  EXPECT_EQ(seen.json["display_name"], "Bob");
  EXPECT_FALSE(seen.json.contains("discoverable")) << "a setting, shown to its owner only";
  EXPECT_EQ(api_->Call("GET", "/v1/users/BOB", alice).json["username"], "bob") << "any spelling";
  EXPECT_EQ(api_->Call("GET", "/v1/users/alice", bob).json["display_name"], "Alice");
  EXPECT_EQ(api_->Call("GET", "/v1/users/carol", carol).status, 200) << "oneself";
  auto outsider = api_->Call("GET", "/v1/users/alice", carol);
  EXPECT_EQ(outsider.status, 404);
  EXPECT_EQ(outsider.body, api_->Call("GET", "/v1/users/nobody", carol).body);
  EXPECT_EQ(api_->Call("GET", "/v1/users/..%2Fetc", carol).status, 404);
}

TEST_P(ApiProfilesTest, AvatarUploadDownloadAndRefusals) {
  REQUIRE_SERVERS();
  const std::string alice = Join("alice");
  const std::string bob = Join("bob");
  const std::string carol = Join("carol");
  ChatTestClient alice_mqtt;
  ASSERT_EQ(alice_mqtt.Connect(server_->port(), "alice", alice), 0);
  ASSERT_NE(alice_mqtt.OpenDirect("bob"), 0);

  auto put = api_->Call("PUT", "/v1/me/avatar", alice, kPng, "image/png");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.json["avatar"]["type"], "image/png");
  const std::string url = put.json["avatar"]["url"];
  EXPECT_EQ(url.rfind("/v1/users/alice/avatar", 0), 0u) << url;
  auto got = api_->Call("GET", url, bob);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(got.body, kPng);
  EXPECT_EQ(got.content_type, "image/png");
  EXPECT_EQ(api_->Call("GET", "/v1/users/bob", alice).json["avatar"], nullptr);
  EXPECT_EQ(api_->Call("GET", "/v1/users/alice", bob).json["avatar"]["url"], url);
  EXPECT_EQ(api_->Call("GET", url, carol).status, 404) << "not a contact";
  EXPECT_EQ(api_->Call("GET", "/v1/users/bob/avatar", alice).status, 404) << "no avatar";
  EXPECT_EQ(CountFiles(blob_dir_->File("avatars")), 1);

  // Over the limit (within what the server reads, and beyond it), not an image, no token:
  // JSON errors, and the avatar stays.
  auto big = api_->Call("PUT", "/v1/me/avatar", alice, kPng + std::string(kAvatarMaxBytes, 'x'),
                        "image/png");
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.error_code(), "TOO_LARGE");
  auto huge = api_->Call("PUT", "/v1/me/avatar", alice, kPng + std::string(200000, 'x'),
                         "image/png");
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.error_code(), "TOO_LARGE");
  for (const std::string& body : {"<svg xmlns='http://www.w3.org/2000/svg'/>"s, ""s,
                                  "hello, I am a PNG"s}) {
    auto bad = api_->Call("PUT", "/v1/me/avatar", alice, body, "image/png");
    EXPECT_EQ(bad.status, 415) << body;
    EXPECT_EQ(bad.error_code(), "UNSUPPORTED_MEDIA_TYPE");
  }
  EXPECT_EQ(api_->Call("PUT", "/v1/me/avatar", "", kGif, "image/gif").status, 401);
  EXPECT_EQ(api_->Call("GET", url, bob).body, kPng);

  // A new avatar replaces the old one, whose blob goes; the Content-Type claimed is ignored.
  auto second = api_->Call("PUT", "/v1/me/avatar", alice, kGif, "image/png");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(second.json["avatar"]["type"], "image/gif");
  auto again = api_->Call("GET", "/v1/users/alice/avatar", bob);
  EXPECT_EQ(again.body, kGif);
  EXPECT_EQ(again.content_type, "image/gif");
  EXPECT_EQ(CountFiles(blob_dir_->File("avatars")), 1);
  // A body over max_body_bytes is refused on every other path.
  auto json_big = api_->Call("PATCH", "/v1/me", alice,
                             R"({"status_text":")" + std::string(20000, 'x') + R"("})",
                             "application/json");
  EXPECT_EQ(json_big.status, 413);

  ASSERT_EQ(api_->Call("DELETE", "/v1/me/avatar", alice).status, 200);
  EXPECT_EQ(api_->Call("GET", "/v1/users/alice/avatar", bob).status, 404);
  EXPECT_EQ(CountFiles(blob_dir_->File("avatars")), 0);
}

TEST_P(ApiProfilesTest, LookupFindsOnlyDiscoverableUsersAndIsRateLimited) {
  REQUIRE_SERVERS();
  const std::string alice = Join("alice", "Alice");
  Join("alfred");
  const std::string carol = Join("carol");
  ASSERT_EQ(Patch(alice, R"({"discoverable":true})").status, 200);

  auto found = api_->Call("GET", "/v1/users?prefix=AL", carol);
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json["users"].size(), 1u) << found.body << " (alfred did not opt in)";
  EXPECT_EQ(found.json["users"][0]["username"], "alice");
  EXPECT_EQ(found.json["users"][0]["display_name"], "Alice");
  EXPECT_EQ(api_->Call("GET", "/v1/users?name=alice", carol).json["users"].size(), 1u);
  EXPECT_EQ(api_->Call("GET", "/v1/users?name=alfred", carol).json["users"].size(), 0u);
  EXPECT_EQ(api_->Call("GET", "/v1/users?prefix=a", carol).status, 400) << "too short";
  // Malformed queries are refused before they count; the rest of the budget is spent here.
  EXPECT_EQ(api_->Call("GET", "/v1/users", carol).status, 400);
  EXPECT_EQ(api_->Call("GET", "/v1/users?prefix=al&name=alice", carol).status, 400);
  EXPECT_EQ(api_->Call("GET", "/v1/users?prefix=%25", carol).status, 400);
  EXPECT_EQ(api_->Call("GET", "/v1/users?prefix=al", "").status, 401);
  for (int i = 3; i < kLookupsPerMinute; ++i) {
    EXPECT_EQ(api_->Call("GET", "/v1/users?prefix=al", carol).status, 200) << i;
  }
  auto limited = api_->Call("GET", "/v1/users?prefix=al", carol);
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.error_code(), "RATE_LIMITED");
  EXPECT_FALSE(limited.retry_after.empty());
  // Per account: another user still has a budget.
  EXPECT_EQ(api_->Call("GET", "/v1/users?prefix=al", alice).status, 200);
}

TEST_P(ApiProfilesTest, DeviceListAndSignOut) {
  REQUIRE_SERVERS();
  Join("alice", "", "tablet");
  auto phone = Login("alice", "phone", "ios");
  auto laptop = Login("alice", "laptop", "linux");
  const std::string token = laptop.json["access_token"];
  ChatTestClient phone_mqtt;
  ASSERT_EQ(phone_mqtt.Connect(server_->port(), "alice", phone.json["access_token"], "phone"), 0);
  auto registered = phone_mqtt.Request(protocol::Op::kPushRegister, 0,
                                       {{"platform", "fcm"}, {"token", "secret-push-token"}});
  ASSERT_TRUE(registered.ok()) << registered.Describe();

  auto list = api_->Call("GET", "/v1/me/devices", token);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(list.json["devices"].size(), 3u) << list.body;
  std::map<std::string, nlohmann::json> by_id;
  for (const auto& d : list.json["devices"]) by_id[d["device_id"]] = d;
  EXPECT_EQ(by_id["phone"]["platform"], "ios");
  EXPECT_EQ(by_id["phone"]["push"]["platform"], "fcm");
  EXPECT_EQ(by_id["laptop"]["platform"], "linux");
  EXPECT_TRUE(by_id["laptop"]["push"].is_null());
  EXPECT_GT(by_id["laptop"]["last_seen_ms"].get<int64_t>(), 0);
  EXPECT_EQ(list.body.find("secret-push-token"), std::string::npos) << "push tokens stay hidden";

  auto out = api_->Call("DELETE", "/v1/me/devices/phone", token);
  ASSERT_EQ(out.status, 200) << out.body;
  // The phone cannot refresh any more; the laptop can; the push target is gone.
  EXPECT_EQ(api_->Post("/v1/refresh", {{"refresh_token", phone.json["refresh_token"]}}).status,
            401);
  EXPECT_EQ(api_->Post("/v1/refresh", {{"refresh_token", laptop.json["refresh_token"]}}).status,
            200);
  list = api_->Call("GET", "/v1/me/devices", token);
  ASSERT_EQ(list.json["devices"].size(), 2u) << list.body;
  for (const auto& d : list.json["devices"]) EXPECT_NE(d["device_id"], "phone");
  EXPECT_EQ(api_->Call("DELETE", "/v1/me/devices/phone", token).status, 404);
  EXPECT_EQ(api_->Call("DELETE", "/v1/me/devices/no..such", token).status, 404);
  EXPECT_EQ(api_->Call("DELETE", "/v1/me/devices/laptop", "").status, 401);
  // A device named badly at login is refused, and so is a platform without a device.
  EXPECT_EQ(api_->Post("/v1/login", {{"username", "alice"}, {"password", "alice password"},
                                     {"device_id", "a/b"}})
                .status,
            422);
  EXPECT_EQ(api_->Post("/v1/login", {{"username", "alice"}, {"password", "alice password"},
                                     {"platform", "ios"}})
                .status,
            400);
}

INSTANTIATE_TEST_SUITE_P(Stores, ApiProfilesTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) { return StoreKindName(info.param); });

}  // namespace
}  // namespace mqchat::test
