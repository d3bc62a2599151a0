// Two brokers sharing one PostgreSQL and one Redis (issue 18, channel delivery): a channel
// message sent through one broker reaches a member connected to the other, once, live; a
// permission granted through one broker opens the channel on the other, and one taken away
// through one broker stops delivery, history and sends on the other at once, without
// reconnecting (docs/ARCHITECTURE.md "Channel delivery").
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "protocol/community.h"
#include "protocol/topics.h"
#include "support/guild_requests.h"
#include "support/shared_brokers.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::ChannelTopic;
using protocol::CommunityOp;

constexpr int kBroker1 = 0;
constexpr int kBroker2 = 1;
constexpr std::chrono::milliseconds kWait{10000};

class SharedChannelsTest : public SharedBrokersTest, protected GuildRequests {};

TEST_F(SharedChannelsTest, MessagesCrossBrokersAndRevocationHoldsOnTheOther) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto olga = Login(kBroker1, "olga");
  auto bob = Login(kBroker2, "bob");

  // A server whose channel carries the markers: changes to the other one leave it alone.
  Guild(*olga, {bob.get()}, "Other");
  const int64_t lounge = general_;
  ASSERT_NE(lounge, 0);
  ASSERT_EQ(bob->mqtt().Subscribe(ChannelTopic(lounge)), 1);
  // The server under test (server_id_ from here on).
  Guild(*olga, {bob.get()});
  const int64_t general = general_;
  ASSERT_NE(general, 0);

  // "general", joined through broker 2, sent into through broker 1: live on broker 2.
  ASSERT_EQ(bob->mqtt().Subscribe(ChannelTopic(general)), 1);
  ASSERT_TRUE(olga->Send(general, "hello from broker 1", "g1").ok());
  auto live = NextChannelMessage(*bob, general);
  ASSERT_TRUE(live) << "bob (broker 2) never got a channel message sent through broker 1";
  EXPECT_EQ((*live)["text"], "hello from broker 1");
  EXPECT_EQ((*live)["seq"], 1);
  // And back: bob's message through broker 2 reaches olga on broker 1.
  ASSERT_EQ(olga->mqtt().Subscribe(ChannelTopic(general)), 1);
  ASSERT_TRUE(bob->Send(general, "hello from broker 2", "b1").ok());
  auto back = NextChannelMessage(*olga, general);
  ASSERT_TRUE(back);
  EXPECT_EQ((*back)["seq"], 2);

  // A private channel opened to bob by a role assigned through broker 1.
  const int64_t staff = MakeChannel(*olga, "staff");
  ASSERT_NE(staff, 0);
  HideFromEveryone(*olga, staff);
  const std::string role_id = GiveRole(*olga, "bob", 0);
  ASSERT_FALSE(role_id.empty());
  Override(*olga, staff, {{"role_id", role_id}}, kViewChannel | kSendMessages, 0);
  ASSERT_EQ(SubscribeChannel(*bob, staff), 1);
  ASSERT_TRUE(olga->Send(staff, "for staff", "s1").ok());
  ASSERT_TRUE(NextChannelMessage(*bob, staff)) << "bob (broker 2) never got the staff message";

  // Taken away through broker 1: the change reaches broker 2 over the bus before the next
  // channel message does (one publisher, in order), so broker 2's READ check refuses it.
  ASSERT_TRUE(Op(*olga, CommunityOp::kRoleUnassign, {{"role_id", role_id}, {"user", "bob"}}).ok());
  ASSERT_TRUE(olga->Send(staff, "after bob left staff", "s2").ok());
  // A marker bob still may read (in the other server, untouched by the change), sent after it
  // through the same broker and bus: once it is here, anything broker 2 delivered of "staff"
  // before it would be here too.
  ASSERT_TRUE(olga->Send(lounge, "marker", "l1").ok());
  auto marker = NextChannelMessage(*bob, lounge);
  ASSERT_TRUE(marker) << "bob never got the marker";
  EXPECT_EQ((*marker)["text"], "marker");
  EXPECT_FALSE(bob->mqtt().WaitMessage(std::chrono::milliseconds(0), ChannelTopic(staff)))
      << "bob, revoked through broker 1, got a staff message on broker 2";
  auto history = bob->Request(protocol::Op::kHistory, staff, {});
  EXPECT_EQ(history.error_code(), "NOT_MEMBER") << history.Describe();
  EXPECT_EQ(bob->Send(staff, "still here?", "b2").error_code(), "NOT_MEMBER");
  EXPECT_EQ(bob->mqtt().Subscribe(ChannelTopic(staff)), 0x87);

  // Sync on broker 2 (after bob's reload there, which his writer runs before this request)
  // has "general" (2 messages) and nothing of "staff".
  ASSERT_TRUE(Op(*bob, CommunityOp::kServers, json::object()).ok());
  auto sync = bob->Request(protocol::Op::kSync, 0, {{"cursors", json::object()}, {"limit", 50}});
  ASSERT_TRUE(sync.ok()) << sync.Describe();
  bool saw_general = false;
  for (const auto& c : (*sync.body)["conversations"]) {
    EXPECT_NE(JsonId(c["conversation_id"]), staff);
    if (JsonId(c["conversation_id"]) == general) {
      saw_general = true;
      EXPECT_EQ(c["messages"].size(), 2u);
    }
  }
  EXPECT_TRUE(saw_general);
}

// Channel read markers (docs/PROTOCOL.md "Channel read markers"): bob reads a channel on his
// device of broker 1; his device on broker 2 is told, as for a conversation's read marker, and
// the listing there has his read position.
TEST_F(SharedChannelsTest, AChannelReadReachesTheReadersDeviceOnTheOtherBroker) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto olga = Login(kBroker1, "olga");
  auto bob = Login(kBroker1, "bob");
  auto bob2 = Login(kBroker2, "bob", "d2");
  Guild(*olga, {bob.get()});
  const int64_t general = general_;
  ASSERT_NE(general, 0);
  ASSERT_TRUE(olga->Send(general, "one", "g1").ok());
  ASSERT_TRUE(olga->Send(general, "two", "g2").ok());

  // Broker 1 routes to bob's device on broker 2 once it has heard of it (Redis): the read is
  // repeated (it is idempotent, and each answer sends the event) until one arrives.
  std::optional<json> event;
  WaitFor(
      [&] {
        auto read = bob->Request(protocol::Op::kRead, general, {{"seq", 1}});
        EXPECT_TRUE(read.ok()) << read.Describe();
        event = bob2->WaitEvent("read", std::chrono::milliseconds(100));
        return event.has_value();
      },
      kWait, "bob's read of the channel on his device of broker 2");
  ASSERT_TRUE(event);
  EXPECT_EQ(JsonId((*event)["conversation_id"]), general);
  EXPECT_EQ((*event)["user"], "bob");
  EXPECT_EQ((*event)["read_seq"], 1);
  const json ch = Listed(*bob2, general);
  ASSERT_TRUE(ch.is_object());
  EXPECT_EQ(ch["read_seq"], 1);
  EXPECT_EQ(ch["unread"], 1);
  EXPECT_EQ(ch["last_seq"], 2);
}

}  // namespace
}  // namespace mqchat::test
