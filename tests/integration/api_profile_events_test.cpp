// The "profile" inbox event (docs/PROTOCOL.md section 5), end to end with the real mqchat-api
// and two brokers (node ids 1 and 2, one Redis) on one store, SQLite and PostgreSQL: a change of
// alice's display name, avatar or status through the API leaves a broker notice, and each
// broker sends the new profile to its own devices of alice and of those who share a
// conversation with her: bob on the other broker sees each change live, exactly once, with
// nothing private in it; a change nobody else sees (`discoverable`) sends nothing; carol, who
// shares nothing with alice, gets none of it on either broker. The SDK (Client::OnProfile,
// CachedProfile) and its C API (mqchat_client_on_profile, mqchat_client_cached_profile) on the
// other broker report each change once and keep the newest profile.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/client.h"
#include "mqchat/mqchat_c.h"
#include "protocol/ops.h"
#include "support/api_process.h"
#include "support/broker_process.h"
#include "support/chat_client.h"
#include "support/chat_server.h"
#include "support/redis_instance.h"
#include "support/rsa_keys.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using namespace std::string_literals;

// Only the leading bytes count for the type check.
const std::string kPng = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR an avatar"s;

class ApiProfileEventsTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    dir_ = std::make_unique<TempDir>("mqchat-profile-events");
    WriteFile(dir_->File("api.pub.pem"), TestRsaKeys().public_pem);
    redis_ = std::make_unique<RedisInstance>();
    if (!redis_->Start()) return;
    const std::vector<std::pair<std::string, std::string>> shared = {
        {"jwt_rs256_public_key_file", dir_->File("api.pub.pem")}, {"redis_url", redis_->url()}};
    ChatServerOptions opts;
    opts.store = GetParam();
    opts.plugin_opts = shared;
    opts.plugin_opts.emplace_back("node_id", "1");
    server_ = ChatServer::Create(std::move(opts));
    if (!server_) return;
    // The second broker: the same store, Redis and token key, node 2.
    const store::StoreConfig& store = server_->store_config();
    BrokerOptions second;
    if (store.backend == store::Backend::kSqlite) {
      second.plugin_opts = {{"store", "sqlite"}, {"sqlite_path", store.sqlite_path}};
    } else {
      second.plugin_opts = {{"store", "postgres"}, {"pg_conninfo", store.pg_conninfo}};
    }
    second.plugin_opts.emplace_back("user_refresh_ms", "100");
    for (const auto& opt : shared) second.plugin_opts.push_back(opt);
    second.plugin_opts.emplace_back("node_id", "2");
    broker_b_ = std::make_unique<BrokerProcess>(std::move(second));
    api_ = std::make_unique<ApiProcess>(
        store, std::vector<std::pair<std::string, std::string>>{{"blob_dir", dir_->File("blobs")}});
    ASSERT_TRUE(server_->Start());
    ASSERT_TRUE(broker_b_->Start());
    ASSERT_TRUE(api_->Start());
  }

  // Signs `user` up and logs in: the access token.
  std::string Join(const std::string& user) {
    auto signup = api_->Post("/v1/signup", {{"username", user}, {"password", user + " password"}});
    EXPECT_EQ(signup.status, 201) << signup.body;
    auto login = api_->Post("/v1/login", {{"username", user}, {"password", user + " password"}});
    EXPECT_EQ(login.status, 200) << login.body;
    return login.json.value("access_token", "");
  }

  // Connects and makes one request: its answer comes after the user's contacts are loaded.
  static void ConnectLoaded(ChatTestClient& client, int port, const std::string& user,
                            const std::string& token, const std::string& device) {
    ASSERT_EQ(client.Connect(port, user, token, device), 0);
    auto listed = client.Request(protocol::Op::kConversations, 0, nlohmann::json::object());
    ASSERT_TRUE(listed.ok()) << listed.Describe();
  }

  // alice and bob sign up (their tokens); alice connects to broker 1 with her contacts loaded
  // and opens a direct conversation with bob.
  void AliceTalksToBob(ChatTestClient& alice, std::string& alice_token, std::string& bob_token) {
    alice_token = Join("alice");
    bob_token = Join("bob");
    ConnectLoaded(alice, server_->port(), "alice", alice_token, "phone");
    ASSERT_GT(alice.OpenDirect("bob"), 0);
  }

  ApiReply Patch(const std::string& token, const nlohmann::json& body) {
    return api_->Call("PATCH", "/v1/me", token, body.dump(), "application/json");
  }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<RedisInstance> redis_;
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<BrokerProcess> broker_b_;
  std::unique_ptr<ApiProcess> api_;
};

#define REQUIRE_SERVERS() \
  if (!server_ || !broker_b_ || !api_) GTEST_SKIP() << "servers not available"

TEST_P(ApiProfileEventsTest, ContactsOnEveryBrokerSeeEachChangeOnceStrangersNothing) {
  REQUIRE_SERVERS();
  const std::string alice_token = Join("alice");
  const std::string bob_token = Join("bob");
  const std::string carol_token = Join("carol");
  const int port_a = server_->port();
  const int port_b = broker_b_->port();
  ChatTestClient alice, bob, carol_a, carol_b;
  ConnectLoaded(alice, port_a, "alice", alice_token, "phone");
  ASSERT_GT(alice.OpenDirect("bob"), 0);
  ConnectLoaded(bob, port_b, "bob", bob_token, "laptop");
  ConnectLoaded(carol_a, port_a, "carol", carol_token, "phone");
  ConnectLoaded(carol_b, port_b, "carol", carol_token, "laptop");

  // The display name: bob (broker 2) and alice's own device (broker 1) see it.
  auto named = Patch(alice_token, {{"display_name", "Alice B."}});
  ASSERT_EQ(named.status, 200) << named.body;
  auto first = bob.WaitEvent("profile");
  ASSERT_TRUE(first.has_value()) << "bob saw no profile event";
  EXPECT_EQ((*first)["user"], "alice");
  EXPECT_EQ((*first)["display_name"], "Alice B.");
  EXPECT_EQ((*first)["status_text"], "");
  EXPECT_TRUE((*first)["avatar"].is_null());
  EXPECT_EQ((*first)["updated_at_ms"], named.json["updated_at_ms"]);
  EXPECT_FALSE(first->contains("discoverable")) << first->dump();
  auto own = alice.WaitEvent("profile");
  ASSERT_TRUE(own.has_value()) << "alice's own device saw no profile event";
  EXPECT_EQ((*own)["display_name"], "Alice B.");

  // The avatar: its URL and type, as the API answers them.
  auto put = api_->Call("PUT", "/v1/me/avatar", alice_token, kPng, "image/png");
  ASSERT_EQ(put.status, 200) << put.body;
  auto second = bob.WaitEvent("profile");
  ASSERT_TRUE(second.has_value()) << "bob saw no event for the avatar";
  EXPECT_EQ((*second)["display_name"], "Alice B.");
  EXPECT_EQ((*second)["avatar"], put.json["avatar"]);
  EXPECT_EQ((*second)["avatar"]["type"], "image/png");

  // What nobody else sees sends nothing; the next change is the next event, so each change
  // above came exactly once (one broker's events keep the order of the notices).
  ASSERT_EQ(Patch(alice_token, {{"discoverable", true}}).status, 200);
  auto status = Patch(alice_token, {{"status_text", "On holiday"}});
  ASSERT_EQ(status.status, 200) << status.body;
  auto third = bob.WaitEvent("profile");
  ASSERT_TRUE(third.has_value()) << "bob saw no event for the status";
  EXPECT_EQ((*third)["status_text"], "On holiday");
  EXPECT_EQ((*third)["avatar"], put.json["avatar"]);
  // alice's own device: the avatar's event and then the status's, or one event with both when
  // her broker read the two notices in one poll (docs/PROTOCOL.md: changes closer together than
  // the refresh interval may come as one event carrying the newest profile).
  std::optional<nlohmann::json> mine;
  for (int i = 0; i < 2; ++i) {
    mine = alice.WaitEvent("profile");
    ASSERT_TRUE(mine.has_value()) << "alice's own device saw no event for the status";
    EXPECT_EQ((*mine)["avatar"], put.json["avatar"]) << mine->dump();
    if ((*mine)["status_text"] == "On holiday") break;
    EXPECT_EQ((*mine)["status_text"], "") << mine->dump();
  }
  EXPECT_EQ((*mine)["status_text"], "On holiday") << mine->dump();

  // carol shares nothing with alice: her first profile event, on either broker, is her own
  // change, made after all of alice's (each broker applies the notices in order).
  ASSERT_EQ(Patch(carol_token, {{"display_name", "Carol C."}}).status, 200);
  for (ChatTestClient* carol : {&carol_a, &carol_b}) {
    auto seen = carol->WaitEvent("profile");
    ASSERT_TRUE(seen.has_value()) << "carol saw not even her own change";
    EXPECT_EQ((*seen)["user"], "carol") << seen->dump();
    EXPECT_EQ((*seen)["display_name"], "Carol C.");
  }
  // Nor did bob, who shares nothing with carol, get hers before the end of this test: the
  // next change of alice's is his next event.
  ASSERT_EQ(Patch(alice_token, {{"display_name", "Alice"}}).status, 200);
  auto last = bob.WaitEvent("profile");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ((*last)["user"], "alice") << last->dump();
  EXPECT_EQ((*last)["display_name"], "Alice");
}

// The SDK on the other broker: Client::OnProfile runs once per change, and CachedProfile has
// the profile by then.
TEST_P(ApiProfileEventsTest, SdkReportsEachChangeAndKeepsTheProfile) {
  REQUIRE_SERVERS();
  std::string alice_token, bob_token;
  ChatTestClient alice;
  ASSERT_NO_FATAL_FAILURE(AliceTalksToBob(alice, alice_token, bob_token));

  auto options = ClientOptions::Builder()
                     .Server("tcp://127.0.0.1:" + std::to_string(broker_b_->port()))
                     .Token("bob", bob_token)
                     .Device("sdk")
                     .CachePath(dir_->File("bob.db"))
                     .Build();
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  auto created = Client::Create(*options);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::unique_ptr<Client> bob = std::move(*created);
  std::mutex mu;
  std::vector<Profile> seen;
  bob->OnProfile([&](const Profile& p) {
    std::lock_guard<std::mutex> lock(mu);
    seen.push_back(p);
  });
  ASSERT_TRUE(bob->Connect().ok());
  // Answered once bob's contacts are loaded on broker 2.
  ASSERT_TRUE(bob->Conversations().get().ok());
  EXPECT_FALSE(bob->CachedProfile("alice").has_value());
  auto count = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return seen.size();
  };

  ASSERT_EQ(Patch(alice_token, {{"display_name", "Alice B."}}).status, 200);
  ASSERT_TRUE(
      WaitFor([&] { return count() >= 1; }, std::chrono::seconds(15), "the first profile event"));
  auto cached = bob->CachedProfile("alice");
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->display_name, "Alice B.");
  EXPECT_EQ(cached->avatar_url, "");

  auto put = api_->Call("PUT", "/v1/me/avatar", alice_token, kPng, "image/png");
  ASSERT_EQ(put.status, 200) << put.body;
  ASSERT_TRUE(WaitFor([&] { return count() >= 2; }, std::chrono::seconds(15),
                      "the avatar's profile event"));
  cached = bob->CachedProfile("alice");
  ASSERT_TRUE(cached.has_value());
  EXPECT_EQ(cached->avatar_url, put.json["avatar"]["url"].get<std::string>());
  EXPECT_EQ(cached->avatar_type, "image/png");
  EXPECT_EQ(cached->display_name, "Alice B.");

  // A third change is the third call: none came twice.
  ASSERT_EQ(Patch(alice_token, {{"status_text", "busy"}}).status, 200);
  ASSERT_TRUE(WaitFor([&] { return count() >= 3; }, std::chrono::seconds(15),
                      "the status's profile event"));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].display_name, "Alice B.");
  EXPECT_EQ(seen[1].avatar_url, put.json["avatar"]["url"].get<std::string>());
  EXPECT_EQ(seen[2].status_text, "busy");
  EXPECT_EQ(seen[2], *bob->CachedProfile("alice"));
}

// The profiles the C API handed over (CProfiles::Add is the mqchat_profile_fn, `user` this),
// copied.
struct CProfiles {
  std::mutex mu;
  std::vector<Profile> seen;
  static void Add(void* user, const mqchat_profile* p) {
    auto* self = static_cast<CProfiles*>(user);
    std::lock_guard<std::mutex> lock(self->mu);
    self->seen.push_back({p->user, p->display_name, p->status_text, p->avatar_type, p->avatar_url,
                          p->updated_at_ms});
  }
  size_t Count() {
    std::lock_guard<std::mutex> lock(mu);
    return seen.size();
  }
};

// The same through the C API (mqchat_c.h): mqchat_client_on_profile once per change, and
// mqchat_client_cached_profile has the profile by then (MQCHAT_NOT_FOUND before any).
TEST_P(ApiProfileEventsTest, CApiReportsEachChangeAndKeepsTheProfile) {
  REQUIRE_SERVERS();
  std::string alice_token, bob_token;
  ChatTestClient alice;
  ASSERT_NO_FATAL_FAILURE(AliceTalksToBob(alice, alice_token, bob_token));

  CProfiles events;  // outlives the handle
  mqchat_options* options = mqchat_options_new();
  const std::string uri = "tcp://127.0.0.1:" + std::to_string(broker_b_->port());
  mqchat_options_add_server(options, uri.c_str());
  mqchat_options_set_credentials(options, "bob", bob_token.c_str());
  mqchat_options_set_device(options, "c-api");
  mqchat_options_set_cache_path(options, dir_->File("bob-c.db").c_str());
  mqchat_client* created = nullptr;
  ASSERT_EQ(mqchat_client_create(options, &created, nullptr), MQCHAT_OK);
  mqchat_options_free(options);
  std::unique_ptr<mqchat_client, void (*)(mqchat_client*)> bob(created, &mqchat_client_free);
  mqchat_client_on_profile(bob.get(), &CProfiles::Add, &events);
  ASSERT_EQ(mqchat_client_connect(bob.get()), MQCHAT_OK);
  // Answered once bob's contacts are loaded on broker 2.
  std::promise<mqchat_code> listed;
  mqchat_client_conversations(
      bob.get(),
      [](void* user, mqchat_code code, const char*, const mqchat_conversation_summary*, size_t) {
        static_cast<std::promise<mqchat_code>*>(user)->set_value(code);
      },
      &listed);
  auto answer = listed.get_future();
  ASSERT_EQ(answer.wait_for(std::chrono::seconds(30)), std::future_status::ready);
  ASSERT_EQ(answer.get(), MQCHAT_OK);
  CProfiles cached;
  EXPECT_EQ(mqchat_client_cached_profile(bob.get(), "alice", &CProfiles::Add, &cached),
            MQCHAT_NOT_FOUND);
  EXPECT_EQ(cached.Count(), 0u);

  auto named = Patch(alice_token, {{"display_name", "Alice B."}});
  ASSERT_EQ(named.status, 200) << named.body;
  ASSERT_TRUE(WaitFor([&] { return events.Count() >= 1; }, std::chrono::seconds(15),
                      "the first profile event"));
  auto put = api_->Call("PUT", "/v1/me/avatar", alice_token, kPng, "image/png");
  ASSERT_EQ(put.status, 200) << put.body;
  ASSERT_TRUE(WaitFor([&] { return events.Count() >= 2; }, std::chrono::seconds(15),
                      "the avatar's profile event"));
  ASSERT_EQ(mqchat_client_cached_profile(bob.get(), "alice", &CProfiles::Add, &cached), MQCHAT_OK);
  bob.reset();  // no event after this; `events` may be read without a race
  ASSERT_EQ(events.seen.size(), 2u);
  EXPECT_EQ(events.seen[0].user, "alice");
  EXPECT_EQ(events.seen[0].display_name, "Alice B.");
  EXPECT_EQ(events.seen[0].avatar_url, "");
  EXPECT_EQ(events.seen[0].updated_at_ms, named.json["updated_at_ms"].get<int64_t>());
  EXPECT_EQ(events.seen[1].avatar_url, put.json["avatar"]["url"].get<std::string>());
  EXPECT_EQ(events.seen[1].avatar_type, "image/png");
  EXPECT_EQ(events.seen[1].display_name, "Alice B.");
  ASSERT_EQ(cached.seen.size(), 1u);
  EXPECT_EQ(cached.seen[0], events.seen[1]);
}

INSTANTIATE_TEST_SUITE_P(Stores, ApiProfileEventsTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) { return StoreKindName(info.param); });

}  // namespace
}  // namespace mqchat::test
