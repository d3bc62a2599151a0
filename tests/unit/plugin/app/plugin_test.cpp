// Plugin's broker events end to end over its real modules, on a SQLite store in a temporary
// directory, with a recording BrokerApi and a fake clock: admission, ACL, wills and presence.
#include "app/plugin.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "auth/jwt.h"
#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/fakes/fake_clock.h"
#include "support/fakes/recording_broker_api.h"
#include "support/temp_dir.h"
#include "support/wait_for.h"

namespace mqchat {
namespace {

const std::string kSecret(40, 's');
int phone, laptop, stranger;  // distinct addresses stand in for broker clients

class PluginTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Config config;
    config.store.sqlite_path = dir_.File("chat.db");
    config.store_readers = 1;
    config.auth.jwt_hs256_secret = kSecret;
    config.presence.grace_ms = 3000;
    config.presence.min_interval_ms = 0;
    auto plugin = Plugin::Create(std::move(config), broker_, clock_);
    ASSERT_TRUE(plugin.ok()) << plugin.status().ToString();
    plugin_ = std::move(plugin).value();
  }

  Status Login(const void* client, const std::string& user, const std::string& device,
               int64_t exp_offset_s = 60) {
    auto token = auth::SignHs256(
        nlohmann::json{{"sub", user}, {"exp", clock_.NowMs() / 1000 + exp_offset_s}}, kSecret);
    EXPECT_TRUE(token.ok());
    const std::string client_id = user + "/" + device;
    auth::LoginRequest request;
    request.client_id = client_id;
    request.username = user.c_str();
    request.password = token->c_str();
    request.address = "127.0.0.1";
    return plugin_->OnBasicAuth(client, request, 5);
  }

  // Presence states published since the last call (other publishes are dropped).
  std::vector<protocol::WirePresence> TakePresence() {
    std::vector<protocol::WirePresence> out;
    for (const auto& msg : broker_.TakePublished()) {
      if (!protocol::PresenceTopicUser(msg.topic)) continue;
      auto p = protocol::DecodePresence(msg.payload);
      EXPECT_TRUE(p.ok());
      if (p.ok()) out.push_back(*p);
    }
    return out;
  }

  // Ticks until the state of `user` is published; returns whether it was online.
  bool TickUntilPresenceOf(const std::string& user) {
    std::optional<bool> online;
    test::WaitFor(
        [&] {
          plugin_->OnTick();
          for (const auto& p : TakePresence()) {
            if (p.user == user) online = p.online;
          }
          return online.has_value();
        },
        std::chrono::seconds(10), "presence of " + user);
    return online.value_or(false);
  }

  test::TempDir dir_;
  test::FakeClock clock_;
  test::RecordingBrokerApi broker_;
  std::unique_ptr<Plugin> plugin_;
};

TEST_F(PluginTest, AdmitsAuthorisesAndPublishesPresence) {
  EXPECT_FALSE(Login(&stranger, "mallory", "phone", -3600).ok());               // expired token
  EXPECT_FALSE(plugin_->OnBasicAuth(&stranger, auth::LoginRequest{}, 5).ok());  // anonymous
  EXPECT_EQ(plugin_->connected_clients(), 0u);
  ASSERT_FALSE(broker_.logs.empty());
  EXPECT_NE(broker_.logs.back().second.find("refused client"), std::string::npos);
  ASSERT_TRUE(Login(&phone, "alice", "phone").ok());
  EXPECT_EQ(plugin_->connected_clients(), 1u);
  EXPECT_TRUE(
      plugin_->OnAclCheck(&phone, protocol::InboxTopic("alice"), acl::Access::kSubscribe, false));
  EXPECT_FALSE(
      plugin_->OnAclCheck(&phone, protocol::InboxTopic("bob"), acl::Access::kSubscribe, false));
  EXPECT_FALSE(plugin_->OnAclCheck(&stranger, protocol::InboxTopic("alice"),
                                   acl::Access::kSubscribe, false));
  EXPECT_EQ(plugin_->OnMessage(&stranger, protocol::RequestTopic(protocol::Op::kConversations),
                               "{}", "", ""),
            Plugin::MessageVerdict::kRefused);
  EXPECT_EQ(plugin_->OnMessage(&phone, "mqchat/v1/elsewhere", "{}", "", ""),
            Plugin::MessageVerdict::kPass);
  EXPECT_TRUE(TickUntilPresenceOf("alice"));
}

TEST_F(PluginTest, AWillAfterDisconnectDelaysOfflineByTheGracePeriod) {
  ASSERT_TRUE(Login(&phone, "alice", "phone").ok());
  ASSERT_TRUE(TickUntilPresenceOf("alice"));
  plugin_->OnDisconnect(&phone);
  plugin_->OnDisconnect(&phone);  // the broker may report a client twice
  EXPECT_EQ(plugin_->connected_clients(), 0u);
  // The will's WRITE check follows DISCONNECT in the same loop iteration: refused, but noted.
  EXPECT_FALSE(plugin_->OnAclCheck(&phone, protocol::WillTopic("alice", "phone"),
                                   acl::Access::kWrite, false));
  plugin_->OnTick();
  EXPECT_TRUE(TakePresence().empty());
  clock_.AdvanceMs(3000);
  EXPECT_FALSE(TickUntilPresenceOf("alice"));
}

TEST_F(PluginTest, ACleanDisconnectIsOfflineAtOnceAndASecondDeviceKeepsOnline) {
  ASSERT_TRUE(Login(&phone, "alice", "phone").ok());
  ASSERT_TRUE(Login(&laptop, "alice", "laptop").ok());
  ASSERT_TRUE(TickUntilPresenceOf("alice"));
  plugin_->OnDisconnect(&phone);
  plugin_->OnTick();
  for (const auto& s : TakePresence()) {  // at most the device count changes
    EXPECT_TRUE(s.online) << "still online through the laptop";
    EXPECT_EQ(s.devices, 1);
  }
  plugin_->OnDisconnect(&laptop);
  plugin_->OnTick();
  auto states = TakePresence();
  ASSERT_EQ(states.size(), 1u);
  EXPECT_FALSE(states[0].online);
  EXPECT_EQ(states[0].last_seen_ms, clock_.NowMs());
}

}  // namespace
}  // namespace mqchat
