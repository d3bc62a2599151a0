// A block hides presence and typing (issue 24), both ways: neither user may watch the other's
// presence (subscribing is refused and a subscription already made gets nothing new) and
// neither gets the other's typing, in a direct conversation or a shared group, from the moment
// the block is acknowledged on the blocker's broker and, through the ClusterBus, soon after on
// every other broker; a login after the block loads it; unblock restores both. On SQLite and
// PostgreSQL, and on two brokers sharing PostgreSQL and Redis.
//
// "Nothing arrived" is checked without waiting for a timeout: a later event that must arrive
// (a marker) is awaited, and whatever was published before it on the same connection would
// have arrived first.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "protocol/ops.h"
#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/chat_fixture.h"
#include "support/shared_brokers.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using protocol::Op;
constexpr auto kWait = std::chrono::seconds(15);
constexpr int kRefused = 0x87;

// Subscribes `watcher` to `user`'s presence until the SUBACK is `code` (a block or unblock made
// through another broker, or a contact load, lands asynchronously). Returns the last code.
int SubscribeUntil(ChatTestClient& watcher, const std::string& user, int code) {
  int last = -1;
  WaitFor(
      [&] {
        last = watcher.mqtt().Subscribe(protocol::PresenceTopic(user));
        if (last == 1 && code != 1) watcher.mqtt().Unsubscribe(protocol::PresenceTopic(user));
        return last == code;
      },
      kWait, watcher.user() + " watching " + user + " answered " + std::to_string(code));
  return last;
}

// `to` gets `marker` (a message `from` sends to `conv`); true if no typing event of `typer`
// reached `to` before it.
bool NoTypingBefore(ChatTestClient& from, ChatTestClient& to, int64_t conv,
                    const std::string& marker, const std::string& typer) {
  EXPECT_TRUE(from.Send(conv, marker, marker).ok());
  auto got = to.WaitMessages(conv, 1);
  EXPECT_EQ(got.size(), 1u);
  while (auto typing = to.WaitEvent("typing", std::chrono::milliseconds(0))) {
    if ((*typing)["user"] == typer) return false;
  }
  return true;
}

bool Typing(ChatTestClient& c, int64_t conv) {
  auto r = c.Request(Op::kTyping, conv, {{"typing", true}});
  EXPECT_TRUE(r.ok()) << r.Describe();
  return r.ok();
}

class BlockPresenceTest : public ChatFixture {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"presence_min_interval_ms", "0"}, {"typing_per_minute", "600"}};
  }
};

TEST_P(BlockPresenceTest, ABlockHidesPresenceAndTypingBothWaysUntilUnblocked) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob", "carol"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  auto carol = Login("carol");
  const int64_t group = alice->CreateGroup("shared", {"bob", "carol"});
  ASSERT_GT(group, 0);
  const int64_t dm = alice->OpenDirect("bob");
  ASSERT_GT(dm, 0);
  ASSERT_EQ(SubscribeUntil(*bob, "alice", 1), 1);
  ASSERT_EQ(bob->mqtt().Subscribe(protocol::PresenceTopic("alice")), 1);  // kept from here on
  ASSERT_EQ(bob->mqtt().Subscribe(protocol::PresenceTopic("carol")), 1);  // the control
  ASSERT_EQ(SubscribeUntil(*alice, "bob", 1), 1);

  auto blocked = bob->Request(Op::kBlock, 0, {{"user", "alice"}});
  ASSERT_TRUE(blocked.ok()) << blocked.Describe();
  // Presence, at once and both ways: no new subscription...
  EXPECT_EQ(alice->mqtt().Subscribe(protocol::PresenceTopic("bob")), kRefused);
  EXPECT_EQ(bob->mqtt().Subscribe(protocol::PresenceTopic("alice")), kRefused);
  EXPECT_EQ(carol->mqtt().Subscribe(protocol::PresenceTopic("alice")), 1);  // others unchanged
  // ...and nothing new on the one bob made before: alice's second device is published before
  // carol's, and bob gets carol's alone.
  bob->mqtt().Drain();
  auto alice_tablet = Login("alice", "tablet");
  auto carol_tablet = Login("carol", "tablet");
  bool carol_seen = false;
  while (auto msg = bob->mqtt().WaitMessage(kWait, "mqchat/v1/p/+")) {
    ASSERT_NE(msg->topic, protocol::PresenceTopic("alice")) << "bob saw alice's presence";
    auto p = protocol::DecodePresence(msg->payload);
    if (msg->topic == protocol::PresenceTopic("carol") && p.ok() && p->devices == 2) {
      carol_seen = true;
      break;
    }
  }
  ASSERT_TRUE(carol_seen) << "bob never saw carol's second device";

  // Typing, both ways, in the direct conversation and in the group; carol still gets it.
  ASSERT_TRUE(Typing(*alice, group));
  auto to_carol = carol->WaitEvent("typing");
  ASSERT_TRUE(to_carol.has_value());
  EXPECT_EQ((*to_carol)["user"], "alice");
  ASSERT_TRUE(Typing(*alice, dm));
  EXPECT_TRUE(NoTypingBefore(*carol, *bob, group, "m1", "alice"));
  ASSERT_TRUE(Typing(*bob, group));
  ASSERT_TRUE(Typing(*bob, dm));
  EXPECT_TRUE(NoTypingBefore(*carol, *alice, group, "m2", "bob"));
  // A device that logs in after the block loads it.
  ASSERT_TRUE(alice_tablet->Request(Op::kConversations, 0, {}).ok());
  EXPECT_EQ(alice_tablet->mqtt().Subscribe(protocol::PresenceTopic("bob")), kRefused);
  ASSERT_TRUE(Typing(*alice_tablet, group));
  EXPECT_TRUE(NoTypingBefore(*carol, *bob, group, "m3", "alice"));

  auto unblocked = bob->Request(Op::kUnblock, 0, {{"user", "alice"}});
  ASSERT_TRUE(unblocked.ok()) << unblocked.Describe();
  EXPECT_EQ(SubscribeUntil(*alice, "bob", 1), 1);
  EXPECT_EQ(SubscribeUntil(*bob, "alice", 1), 1);
  ASSERT_TRUE(Typing(*alice, dm));
  auto typing = bob->WaitEvent("typing");
  ASSERT_TRUE(typing.has_value()) << "typing not restored by unblock";
  EXPECT_EQ((*typing)["user"], "alice");
}

TEST_P(BlockPresenceTest, ABlockTheOtherWayStaysAfterAnUnblock) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  auto bob = Login("bob");
  ASSERT_GT(alice->OpenDirect("bob"), 0);
  ASSERT_EQ(SubscribeUntil(*alice, "bob", 1), 1);
  ASSERT_TRUE(bob->Request(Op::kBlock, 0, {{"user", "alice"}}).ok());
  ASSERT_TRUE(alice->Request(Op::kBlock, 0, {{"user", "bob"}}).ok());
  ASSERT_TRUE(bob->Request(Op::kUnblock, 0, {{"user", "alice"}}).ok());
  // Alice's block holds: after the unblock's reload (a request of each answered after it),
  // still neither may watch the other.
  ASSERT_TRUE(alice->Request(Op::kConversations, 0, {}).ok());
  ASSERT_TRUE(bob->Request(Op::kConversations, 0, {}).ok());
  EXPECT_EQ(alice->mqtt().Subscribe(protocol::PresenceTopic("bob")), kRefused);
  EXPECT_EQ(bob->mqtt().Subscribe(protocol::PresenceTopic("alice")), kRefused);
}

MQCHAT_INSTANTIATE_FOR_STORES(BlockPresenceTest);

// Two brokers sharing PostgreSQL and Redis: a block made through one broker hides presence and
// typing on the other, where the blocked user is connected; unblock restores.
class SharedBlockPresenceTest : public SharedBrokersTest {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"presence_min_interval_ms", "0"}, {"typing_per_minute", "600"}};
  }
};

TEST_F(SharedBlockPresenceTest, ABlockReachesTheBrokerOfTheBlockedUser) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto bob = Login(0, "bob");
  auto carol = Login(0, "carol");
  auto alice = Login(1, "alice");
  const int64_t group = alice->CreateGroup("shared", {"bob", "carol"});
  ASSERT_GT(group, 0);
  ASSERT_EQ(SubscribeUntil(*alice, "bob", 1), 1);
  ASSERT_EQ(SubscribeUntil(*bob, "alice", 1), 1);

  ASSERT_TRUE(bob->Request(Op::kBlock, 0, {{"user", "alice"}}).ok());
  EXPECT_EQ(bob->mqtt().Subscribe(protocol::PresenceTopic("alice")), kRefused);  // at once
  // On alice's broker once the bus brings the block.
  EXPECT_EQ(SubscribeUntil(*alice, "bob", kRefused), kRefused);
  ASSERT_TRUE(Typing(*alice, group));
  EXPECT_TRUE(NoTypingBefore(*carol, *bob, group, "m1", "alice"));
  ASSERT_TRUE(Typing(*bob, group));
  EXPECT_TRUE(NoTypingBefore(*carol, *alice, group, "m2", "bob"));

  ASSERT_TRUE(bob->Request(Op::kUnblock, 0, {{"user", "alice"}}).ok());
  EXPECT_EQ(SubscribeUntil(*alice, "bob", 1), 1);
  EXPECT_EQ(SubscribeUntil(*bob, "alice", 1), 1);
  ASSERT_TRUE(Typing(*alice, group));
  auto typing = bob->WaitEvent("typing");
  ASSERT_TRUE(typing.has_value()) << "typing not restored across brokers";
  EXPECT_EQ((*typing)["user"], "alice");
}

}  // namespace
}  // namespace mqchat::test
