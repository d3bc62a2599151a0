// Two brokers sharing one PostgreSQL (and Redis): a membership change made through one broker
// holds at once for messages sent through the other, although the other's membership cache
// still holds the conversation from before (docs/ARCHITECTURE.md, "Membership cache").
#include <gtest/gtest.h>

#include "protocol/ops.h"
#include "support/shared_brokers.h"

namespace mqchat::test {
namespace {

constexpr int kBroker1 = 0;
constexpr int kBroker2 = 1;

class SharedMembershipTest : public SharedBrokersTest {
 protected:
  void SetUp() override {
    SharedBrokersTest::SetUp();
    if (!ready()) return;
    alice_ = Login(kBroker1, "alice");
    bob_ = Login(kBroker2, "bob");
    carol_ = Login(kBroker2, "carol");
    dave_ = Login(kBroker2, "dave");
    erin_ = Login(kBroker2, "erin");
    // Token users get their rows asynchronously, on their broker's writer. A request through
    // that writer, queued after the logins, is answered only once they exist.
    bob_carol_ = bob_->OpenDirect("carol");
    ASSERT_GT(bob_carol_, 0);
    group_ = alice_->CreateGroup("team", {"bob", "carol"});
    ASSERT_GT(group_, 0);
    // Broker 2 caches the group's members (alice, bob, carol) when it fans this out.
    auto warm = bob_->Send(group_, "warm-up", "warm-1");
    ASSERT_TRUE(warm.ok()) << warm.Describe();
    auto got = carol_->WaitMessages(group_, 1);
    ASSERT_EQ(got.size(), 1u) << "carol (broker 2) never got bob's message (broker 2)";
  }

  ChatResponse ChangeMembers(protocol::Op op, const nlohmann::json& body) {
    return alice_->Request(op, group_, body);
  }

  std::unique_ptr<ChatTestClient> alice_, bob_, carol_, dave_, erin_;
  int64_t bob_carol_ = 0;
  int64_t group_ = 0;
};

TEST_F(SharedMembershipTest, MemberRemovedThroughOneBrokerGetsNothingSentThroughTheOther) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto removed = ChangeMembers(protocol::Op::kRemoveMember, {{"user", "carol"}});
  ASSERT_TRUE(removed.ok()) << removed.Describe();

  // At once, through broker 2: a group message, then a marker in a conversation carol is
  // still in. Both reach carol (if at all) by broker 2's own publishes to her one session, in
  // this order, so once the marker is here, a leaked group message would be here too.
  auto secret = bob_->Send(group_, "after carol left", "secret-1");
  ASSERT_TRUE(secret.ok()) << secret.Describe();
  auto marker = bob_->Send(bob_carol_, "marker", "marker-1");
  ASSERT_TRUE(marker.ok()) << marker.Describe();
  auto got_marker = carol_->WaitMessages(bob_carol_, 1);
  ASSERT_EQ(got_marker.size(), 1u) << "carol never got the marker";
  EXPECT_EQ(got_marker[0]["text"], "marker");
  // The removal event comes from broker 1 (routed through Redis), so its order relative to
  // broker 2's deliveries is not fixed: what matters is that no group message came at all.
  auto leaked = carol_->WaitMessages(group_, 1, std::chrono::milliseconds(0));
  EXPECT_TRUE(leaked.empty()) << "carol, removed through broker 1, got a message sent through "
                                 "broker 2: "
                              << (leaked.empty() ? "" : leaked[0].dump());

  // Nor may she read it, or send.
  auto history = carol_->Request(protocol::Op::kHistory, group_, {});
  EXPECT_EQ(history.error_code(), "NOT_MEMBER") << history.Describe();
  auto send = carol_->Send(group_, "still here?", "carol-1");
  EXPECT_EQ(send.error_code(), "NOT_MEMBER") << send.Describe();
}

TEST_F(SharedMembershipTest, MemberAddedThroughOneBrokerSendsAndReceivesThroughTheOtherAtOnce) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  // Fan-out: broker 2's cached members predate dave; its next message must reach him anyway.
  auto added = ChangeMembers(protocol::Op::kAddMembers, {{"users", {"dave"}}});
  ASSERT_TRUE(added.ok()) << added.Describe();
  auto welcome = bob_->Send(group_, "welcome dave", "welcome-1");
  ASSERT_TRUE(welcome.ok()) << welcome.Describe();
  auto got = dave_->WaitMessages(group_, 1);
  ASSERT_EQ(got.size(), 1u) << "dave, added through broker 1, missed a message of broker 2";
  EXPECT_EQ(got[0]["text"], "welcome dave");

  // Sending: broker 2's cached members (reloaded just now) predate erin; she may send at once.
  added = ChangeMembers(protocol::Op::kAddMembers, {{"users", {"erin"}}});
  ASSERT_TRUE(added.ok()) << added.Describe();
  auto hello = erin_->Send(group_, "hello from erin", "erin-1");
  ASSERT_TRUE(hello.ok()) << "erin, added through broker 1, refused by broker 2: "
                          << hello.Describe();
  got = dave_->WaitMessages(group_, 1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["text"], "hello from erin");
  auto reply = bob_->Send(group_, "welcome erin", "welcome-2");
  ASSERT_TRUE(reply.ok()) << reply.Describe();
  got = erin_->WaitMessages(group_, 1);
  ASSERT_EQ(got.size(), 1u) << "erin missed a message of broker 2";
  EXPECT_EQ(got[0]["text"], "welcome erin");
}

}  // namespace
}  // namespace mqchat::test
