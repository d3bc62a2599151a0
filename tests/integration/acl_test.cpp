// The ACL as an attacker sees it: wildcards at every level, shared subscriptions, $-topics,
// retained messages and writes into another user's namespace.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/chat_server.h"
#include "support/mqtt_test_client.h"

namespace mqchat::test {
namespace {

constexpr int kV5NotAuthorized = 0x87;

class AclTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ChatServerOptions opts;
    // Password logins in quick succession: keep the hash budget (issue 29) out of the way.
    opts.plugin_opts = {{"auth_hashes_per_s", "1000"}, {"auth_hash_duty_percent", "100"}};
    server_ = ChatServer::Create(std::move(opts));
    ASSERT_TRUE(server_);
    ASSERT_TRUE(server_->AddUser("alice", "pw-a").ok());
    ASSERT_TRUE(server_->AddUser("bob", "pw-b").ok());
    ASSERT_TRUE(server_->Start());
    ASSERT_EQ(Connect(alice_, "alice", "pw-a", 5), 0);
    ASSERT_EQ(Connect(bob_, "bob", "pw-b", 5), 0);
  }

  int Connect(MqttTestClient& c, const std::string& user, const std::string& pw, int version) {
    ConnectOptions o;
    o.port = server_->port();
    o.client_id = user + "/d" + std::to_string(version);
    o.username = user;
    o.password = pw;
    o.mqtt_version = version;
    return c.Connect(o);
  }

  // Reads what `c` receives on `filter` until the `conversation` event in its inbox, failing on
  // anything else except the open_direct response. (Presence is not under mqchat/v1/u/.)
  static void ExpectOnlyMarkerBefore(MqttTestClient& c, const std::string& filter) {
    for (;;) {
      auto m = c.WaitMessage(std::chrono::seconds(15), filter);
      ASSERT_TRUE(m) << "the marker never arrived";
      if (m->topic.find("/reply/") != std::string::npos) continue;
      ASSERT_EQ(m->topic.substr(m->topic.rfind('/')), "/inbox") << m->topic << ": " << m->payload;
      auto event = nlohmann::json::parse(m->payload, nullptr, false);
      ASSERT_EQ(event.value("type", ""), "conversation") << "leaked: " << m->payload;
      return;
    }
  }

  std::unique_ptr<ChatServer> server_;
  MqttTestClient alice_, bob_;
};

TEST_F(AclTest, SubscribeOnlyInsideOwnNamespace) {
  EXPECT_EQ(alice_.Subscribe("mqchat/v1/u/alice/inbox"), 1);
  EXPECT_EQ(alice_.Subscribe("mqchat/v1/u/alice/#"), 1);
  for (const char* f :
       {"#", "+/#", "+", "mqchat/#", "mqchat/v1/#", "mqchat/v1/u/#", "mqchat/v1/u/+/inbox",
        "mqchat/+/u/bob/inbox", "+/v1/u/bob/inbox", "mqchat/v1/u/bob/inbox", "mqchat/v1/u/bob/#",
        "$share/g/#", "$share/g/mqchat/v1/u/bob/inbox", "$share/g/mqchat/v1/u/alice/inbox",
        "$CONTROL/#", "$SYS/#", "$SYS/broker/clients/total"}) {
    EXPECT_EQ(alice_.Subscribe(f), kV5NotAuthorized) << f;
  }
}

TEST_F(AclTest, V311SubscribeRefusalIs0x80) {
  MqttTestClient old;
  ASSERT_EQ(Connect(old, "alice", "pw-a", 4), 0);
  EXPECT_EQ(old.Subscribe("#"), 0x80);
  EXPECT_EQ(old.Subscribe("mqchat/v1/u/alice/inbox"), 1);
}

TEST_F(AclTest, CannotWriteIntoAnotherNamespaceOrRetain) {
  ASSERT_EQ(bob_.Subscribe("mqchat/v1/u/bob/#"), 1);
  EXPECT_EQ(alice_.Publish("mqchat/v1/u/bob/inbox", "{\"fake\":1}"), kV5NotAuthorized);
  EXPECT_EQ(alice_.Publish("mqchat/v1/u/bob/presence", "online"), kV5NotAuthorized);
  EXPECT_EQ(alice_.Publish("mqchat/v1/u/alice/presence", "online"), kV5NotAuthorized);
  EXPECT_EQ(alice_.Publish(protocol::PresenceTopic("bob"), "online"), kV5NotAuthorized);
  EXPECT_EQ(alice_.Publish(protocol::PresenceTopic("alice"), "online"), kV5NotAuthorized);
  EXPECT_EQ(alice_.Publish("mqchat/v1/u/bob/will/d5", "x"), kV5NotAuthorized);
  EXPECT_EQ(alice_.Publish("elsewhere/topic", "x"), kV5NotAuthorized);
  EXPECT_EQ(alice_.Publish("mqchat/v1/req/anything", "x", 1, /*retain=*/true), kV5NotAuthorized);
  // Nothing alice tried reached bob. A message from the plugin side would; alice's own will
  // topic is the one place she may write in her namespace, and bob cannot read it.
  EXPECT_LT(alice_.Publish("mqchat/v1/u/alice/will/d5", "x"), 0x80);  // accepted
  // Marker: alice opens a conversation with bob, so the plugin puts a `conversation` event in
  // bob's inbox. Anything alice's attempts had leaked to bob would have been queued to him
  // before it, so everything bob gets up to the marker must be the plugin's own.
  ASSERT_LT(alice_.Publish("mqchat/v1/req/open_direct", R"({"user":"bob"})"), 0x80);
  ExpectOnlyMarkerBefore(bob_, "mqchat/v1/u/bob/#");
}

TEST_F(AclTest, RetainedMessagesCannotBePlanted) {
  // A retained write anywhere is refused, so no later subscriber can be fed planted state.
  EXPECT_EQ(alice_.Publish("mqchat/v1/u/alice/will/d5", "x", 1, true), kV5NotAuthorized);
  MqttTestClient late;
  ASSERT_EQ(Connect(late, "alice", "pw-a", 4), 0);
  ASSERT_EQ(late.Subscribe("mqchat/v1/u/alice/#"), 1);
  // Marker, as above: any retained message would have come with the SUBACK, before it.
  ASSERT_LT(bob_.Publish("mqchat/v1/req/open_direct", R"({"user":"alice"})"), 0x80);
  ExpectOnlyMarkerBefore(late, "mqchat/v1/u/alice/#");
}

TEST_F(AclTest, PresenceIsClosedToStrangersWildcardsAndClientPublishes) {
  // alice and bob share no conversation: bob's presence is closed to alice, at every level.
  const std::string bob_presence = protocol::PresenceTopic("bob");
  for (const std::string& f :
       {bob_presence, std::string("mqchat/v1/p/+"), std::string("mqchat/v1/p/#"),
        std::string("mqchat/v1/+/bob"), std::string("mqchat/+/p/bob"), std::string("+/v1/p/bob"),
        std::string("+/+/+/bob"), std::string("mqchat/v1/p/bob/#"), "$share/g/" + bob_presence,
        "$share/g/" + protocol::PresenceTopic("alice"), std::string("mqchat/v1/u/bob/presence"),
        std::string("mqchat/v1/u/+/presence")}) {
    EXPECT_EQ(alice_.Subscribe(f), kV5NotAuthorized) << f;
  }
  // No client publishes presence, retained or not, its own or another's.
  const std::string fake = R"({"user":"bob","state":"offline","last_seen_ms":1,"devices":0})";
  for (bool retain : {false, true}) {
    EXPECT_EQ(alice_.Publish(bob_presence, fake, 1, retain), kV5NotAuthorized) << retain;
    EXPECT_EQ(bob_.Publish(bob_presence, fake, 1, retain), kV5NotAuthorized) << retain;
    EXPECT_EQ(alice_.Publish(protocol::PresenceTopic("alice"), fake, 1, retain), kV5NotAuthorized);
  }
  // bob may watch himself, and what he gets is the plugin's state: he is online, whatever was
  // attempted above.
  ASSERT_EQ(bob_.Subscribe(bob_presence), 1);
  auto m = bob_.WaitMessage(std::chrono::seconds(15), bob_presence);
  ASSERT_TRUE(m) << "no presence for bob";
  auto p = protocol::DecodePresence(m->payload);
  ASSERT_TRUE(p.ok()) << m->payload;
  EXPECT_EQ(p->user, "bob");
  EXPECT_TRUE(p->online) << m->payload;
}

}  // namespace
}  // namespace mqchat::test
