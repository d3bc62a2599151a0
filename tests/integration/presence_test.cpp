// Presence and typing over a real broker: devices, clean and unclean loss, takeover, privacy.
#include <signal.h>

#include <gtest/gtest.h>

#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/chat_fixture.h"
#include "support/subprocess.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

class PresenceTest : public ChatFixture {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"presence_grace_ms", "500"}, {"presence_min_interval_ms", "0"},
            {"typing_per_minute", "5"}};
  }

  // Next presence update of `user` seen by `watcher`.
  std::optional<protocol::WirePresence> NextPresence(ChatTestClient& watcher,
                                                     const std::string& user,
                                                     std::chrono::milliseconds timeout) {
    auto msg = watcher.mqtt().WaitMessage(timeout, protocol::PresenceTopic(user));
    if (!msg) return std::nullopt;
    auto p = protocol::DecodePresence(msg->payload);
    EXPECT_TRUE(p.ok()) << msg->payload;
    return p.ok() ? std::optional<protocol::WirePresence>(*p) : std::nullopt;
  }

  // bob watches alice (they share a conversation).
  std::unique_ptr<ChatTestClient> Watcher(const std::string& watcher, const std::string& user) {
    auto w = Login(watcher, "watch");
    EXPECT_GT(w->OpenDirect(user), 0);
    EXPECT_EQ(w->mqtt().Subscribe(protocol::PresenceTopic(user)), 1);
    return w;
  }
};

TEST_P(PresenceTest, OnlineUntilTheLastDeviceLeaves) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto phone = Login("alice", "phone");
  auto bob = Watcher("bob", "alice");
  auto p = NextPresence(*bob, "alice", std::chrono::seconds(10));  // the retained state
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->online);
  auto laptop = Login("alice", "laptop");
  laptop->Disconnect();  // one of two devices leaves
  phone->Disconnect();   // the last one leaves
  auto last = NextPresence(*bob, "alice", std::chrono::seconds(10));
  while (last && last->online) last = NextPresence(*bob, "alice", std::chrono::seconds(10));
  ASSERT_TRUE(last.has_value()) << "no offline presence";
  EXPECT_FALSE(last->online);
  EXPECT_GT(last->last_seen_ms, 0);
  EXPECT_EQ(last->devices, 0);
}

TEST_P(PresenceTest, FrozenClientGoesOfflineWithinTheKeepaliveBound) {
  MQCHAT_REQUIRE_SERVER();
  Register({"carol", "bob"});
  auto bob = Watcher("bob", "carol");
  Subprocess frozen;
  frozen.Start({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(server_->port()), "-V",
                "mqttv5", "-i", "carol/frozen", "-u", "carol", "-P", Token("carol"), "-k", "5",
                "--will-topic", protocol::WillTopic("carol", "frozen"), "--will-payload",
                protocol::DeviceWillPayload(), "-t", protocol::InboxTopic("carol")},
               server_->dir() + "/frozen.log");
  auto online = NextPresence(*bob, "carol", std::chrono::seconds(10));
  while (online && !online->online) online = NextPresence(*bob, "carol", std::chrono::seconds(10));
  ASSERT_TRUE(online.has_value()) << "carol never came online";
  frozen.Signal(SIGSTOP);
  const auto stopped = std::chrono::steady_clock::now();
  // Bound: 1.5 x keepalive (7.5 s; mosquitto_sub's minimum keepalive is 5 s) + the broker's
  // keepalive check interval (5 s) + grace (0.5 s) = 13 s.
  constexpr auto kBound = std::chrono::milliseconds(13000);
  auto offline = NextPresence(*bob, "carol", kBound + std::chrono::seconds(2));
  frozen.Kill();
  ASSERT_TRUE(offline.has_value()) << "still online after the keepalive bound";
  EXPECT_FALSE(offline->online);
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, kBound + std::chrono::seconds(1));
}

TEST_P(PresenceTest, TakeoverOfTheSameDeviceDoesNotFlap) {
  MQCHAT_REQUIRE_SERVER();
  Register({"dave", "bob"});
  auto first = Login("dave", "tablet");
  auto bob = Watcher("bob", "dave");
  auto p = NextPresence(*bob, "dave", std::chrono::seconds(10));
  ASSERT_TRUE(p && p->online);
  auto second = Login("dave", "tablet");  // same client id: the broker drops the first
  ASSERT_TRUE(first->mqtt().WaitDisconnected(std::chrono::seconds(10)));
  second->Disconnect();
  // The only update bob sees is the final offline one.
  auto next = NextPresence(*bob, "dave", std::chrono::seconds(10));
  ASSERT_TRUE(next.has_value());
  EXPECT_FALSE(next->online);
  EXPECT_EQ(next->devices, 0);
}

TEST_P(PresenceTest, OnlyTheUserAndContactsMayWatchAndNobodyMayPublishPresence) {
  MQCHAT_REQUIRE_SERVER();
  Register({"erin", "frank", "mallory"});
  auto erin = Login("erin");
  auto mallory = Login("mallory");
  const std::string erin_presence = protocol::PresenceTopic("erin");
  // Filters no client may use for presence: wildcards at every level of mqchat/v1/p/<user>,
  // shared subscriptions, and the old topic mqchat/v1/u/<user>/presence.
  const std::vector<std::string> never = {"mqchat/v1/p/+",
                                          "mqchat/v1/p/#",
                                          "mqchat/v1/+/erin",
                                          "mqchat/+/p/erin",
                                          "+/v1/p/erin",
                                          "+/+/+/erin",
                                          "mqchat/v1/p/erin/#",
                                          "#",
                                          "$share/g/" + erin_presence,
                                          "$share/g/mqchat/v1/p/+",
                                          "mqchat/v1/u/erin/presence",
                                          "mqchat/v1/u/+/presence"};
  // A stranger: not even the exact topic.
  EXPECT_EQ(mallory->mqtt().Subscribe(erin_presence), 0x87);
  for (const auto& f : never) EXPECT_EQ(mallory->mqtt().Subscribe(f), 0x87) << f;
  // Nobody publishes presence, retained or not: neither a stranger nor the user herself.
  const std::string fake = R"({"user":"erin","state":"offline","last_seen_ms":1,"devices":0})";
  for (bool retain : {false, true}) {
    EXPECT_EQ(mallory->mqtt().Publish(erin_presence, fake, 1, retain), 0x87) << retain;
    EXPECT_EQ(erin->mqtt().Publish(erin_presence, fake, 1, retain), 0x87) << retain;
    EXPECT_EQ(erin->mqtt().Publish(protocol::PresenceTopic("mallory"), fake, 1, retain), 0x87);
  }
  // The user watches herself, and sees the plugin's state, not the planted one.
  ASSERT_EQ(erin->mqtt().Subscribe(erin_presence), 1);
  auto own = NextPresence(*erin, "erin", std::chrono::seconds(10));
  ASSERT_TRUE(own.has_value());
  EXPECT_TRUE(own->online);
  EXPECT_EQ(own->user, "erin");
  // A contact: the exact topic, and still nothing wider, shared or in the old layout.
  auto frank = Login("frank");
  ASSERT_GT(frank->OpenDirect("erin"), 0);
  for (const auto& f : never) EXPECT_EQ(frank->mqtt().Subscribe(f), 0x87) << f;
  EXPECT_EQ(frank->mqtt().Subscribe(protocol::PresenceTopic("mallory")), 0x87);
  ASSERT_EQ(frank->mqtt().Subscribe(erin_presence), 1);
  auto seen = NextPresence(*frank, "erin", std::chrono::seconds(10));
  ASSERT_TRUE(seen.has_value());
  EXPECT_TRUE(seen->online);
  EXPECT_EQ(seen->devices, 1);
  // A contact from before login is known too: erin logs in again and may watch frank.
  auto erin2 = Login("erin", "second");
  ASSERT_TRUE(erin2->Request(protocol::Op::kConversations, 0, {}).ok());
  EXPECT_EQ(erin2->mqtt().Subscribe(protocol::PresenceTopic("frank")), 1);
  EXPECT_EQ(erin2->mqtt().Subscribe("mqchat/v1/u/frank/presence"), 0x87);
}

TEST_P(PresenceTest, TypingReachesOtherMembersOnlyAndIsRateLimited) {
  MQCHAT_REQUIRE_SERVER();
  Register({"gina", "hank", "ivan"});
  auto gina = Login("gina");
  auto hank = Login("hank");
  auto ivan = Login("ivan");
  const int64_t conv = gina->OpenDirect("hank");
  auto r = gina->Request(protocol::Op::kTyping, conv, {{"typing", true}});
  ASSERT_TRUE(r.ok()) << r.Describe();
  auto ev = hank->WaitEvent("typing");
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ((*ev)["user"], "gina");
  EXPECT_EQ((*ev)["typing"], true);
  auto outsider = ivan->Request(protocol::Op::kTyping, conv, {{"typing", true}});
  EXPECT_EQ(outsider.error_code(), "NOT_MEMBER") << outsider.Describe();
  std::string last_error;
  for (int i = 0; i < 10 && last_error.empty(); ++i) {
    last_error = gina->Request(protocol::Op::kTyping, conv, {{"typing", true}}).error_code();
  }
  EXPECT_EQ(last_error, "RATE_LIMITED");
}

MQCHAT_INSTANTIATE_FOR_STORES(PresenceTest);

}  // namespace
}  // namespace mqchat::test
