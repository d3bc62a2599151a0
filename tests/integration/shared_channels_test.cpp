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
#include "support/shared_brokers.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::CommunityOp;

constexpr int kBroker1 = 0;
constexpr int kBroker2 = 1;
constexpr int64_t kViewChannel = 1;
constexpr int64_t kSendMessages = 2;
constexpr std::chrono::milliseconds kWait{10000};

std::string ChannelTopic(int64_t id) { return "mqchat/v1/ch/" + std::to_string(id); }

class SharedChannelsTest : public SharedBrokersTest {
 protected:
  ChatResponse Op(ChatTestClient& c, CommunityOp op, json body) {
    const std::string req_id = "c" + std::to_string(++next_req_);
    body["req_id"] = req_id;
    return c.RequestOnTopic(protocol::CommunityRequestTopic(op), body.dump(), req_id);
  }
  // Subscribes `c` to channel `id`, retrying until granted: a change made through the other
  // broker reaches this one's cache asynchronously. The last SUBACK code.
  int SubscribeChannel(ChatTestClient& c, int64_t id) {
    int code = -1;
    WaitFor(
        [&] {
          code = c.mqtt().Subscribe(ChannelTopic(id));
          return code == 1;
        },
        kWait, c.user() + " allowed to subscribe to channel " + std::to_string(id));
    return code;
  }
  std::optional<json> NextChannelMessage(ChatTestClient& c, int64_t id,
                                         std::chrono::milliseconds timeout = kWait) {
    auto msg = c.mqtt().WaitMessage(timeout, ChannelTopic(id));
    if (!msg) return std::nullopt;
    return json::parse(msg->payload);
  }

  int next_req_ = 0;
};

TEST_F(SharedChannelsTest, MessagesCrossBrokersAndRevocationHoldsOnTheOther) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto olga = Login(kBroker1, "olga");
  auto bob = Login(kBroker2, "bob");

  auto made = Op(*olga, CommunityOp::kServerCreate, {{"name", "Guild"}});
  ASSERT_TRUE(made.ok()) << made.Describe();
  const std::string server = (*made.body)["server"]["server_id"];
  const std::string everyone = (*made.body)["server"]["everyone_role_id"];
  auto invite = Op(*olga, CommunityOp::kInviteCreate, {{"server_id", server}});
  ASSERT_TRUE(invite.ok()) << invite.Describe();
  auto joined = Op(*bob, CommunityOp::kInviteJoin, {{"code", (*invite.body)["invite"]["code"]}});
  ASSERT_TRUE(joined.ok()) << joined.Describe();
  auto channels = Op(*olga, CommunityOp::kChannels, {{"server_id", server}});
  ASSERT_TRUE(channels.ok()) << channels.Describe();
  const int64_t general = JsonId((*channels.body)["channels"][0]["channel_id"]);
  // A second server, whose channel carries the markers: changes to the first leave it alone.
  auto other = Op(*olga, CommunityOp::kServerCreate, {{"name", "Other"}});
  ASSERT_TRUE(other.ok()) << other.Describe();
  const std::string other_id = (*other.body)["server"]["server_id"];
  auto other_invite = Op(*olga, CommunityOp::kInviteCreate, {{"server_id", other_id}});
  ASSERT_TRUE(other_invite.ok()) << other_invite.Describe();
  ASSERT_TRUE(
      Op(*bob, CommunityOp::kInviteJoin, {{"code", (*other_invite.body)["invite"]["code"]}}).ok());
  auto other_channels = Op(*olga, CommunityOp::kChannels, {{"server_id", other_id}});
  ASSERT_TRUE(other_channels.ok()) << other_channels.Describe();
  const int64_t lounge = JsonId((*other_channels.body)["channels"][0]["channel_id"]);
  ASSERT_EQ(bob->mqtt().Subscribe(ChannelTopic(lounge)), 1);

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
  auto staff_made =
      Op(*olga, CommunityOp::kChannelCreate, {{"server_id", server}, {"name", "staff"}});
  ASSERT_TRUE(staff_made.ok()) << staff_made.Describe();
  const std::string staff_id = (*staff_made.body)["channel"]["channel_id"];
  const int64_t staff = std::stoll(staff_id);
  ASSERT_TRUE(Op(*olga, CommunityOp::kOverrideSet,
                 {{"channel_id", staff_id}, {"role_id", everyone}, {"deny", kViewChannel}})
                  .ok());
  auto role = Op(*olga, CommunityOp::kRoleCreate,
                 {{"server_id", server}, {"name", "staff"}, {"permissions", 0}});
  ASSERT_TRUE(role.ok()) << role.Describe();
  const std::string role_id = (*role.body)["role"]["role_id"];
  ASSERT_TRUE(Op(*olga, CommunityOp::kOverrideSet,
                 {{"channel_id", staff_id}, {"role_id", role_id},
                  {"allow", kViewChannel | kSendMessages}})
                  .ok());
  ASSERT_TRUE(Op(*olga, CommunityOp::kRoleAssign, {{"role_id", role_id}, {"user", "bob"}}).ok());
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
  auto made = Op(*olga, CommunityOp::kServerCreate, {{"name", "Guild"}});
  ASSERT_TRUE(made.ok()) << made.Describe();
  const std::string server = (*made.body)["server"]["server_id"];
  auto invite = Op(*olga, CommunityOp::kInviteCreate, {{"server_id", server}});
  ASSERT_TRUE(invite.ok()) << invite.Describe();
  ASSERT_TRUE(Op(*bob, CommunityOp::kInviteJoin, {{"code", (*invite.body)["invite"]["code"]}}).ok());
  auto channels = Op(*olga, CommunityOp::kChannels, {{"server_id", server}});
  ASSERT_TRUE(channels.ok()) << channels.Describe();
  const int64_t general = JsonId((*channels.body)["channels"][0]["channel_id"]);
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
  auto listed = Op(*bob2, CommunityOp::kChannels, {{"server_id", server}});
  ASSERT_TRUE(listed.ok()) << listed.Describe();
  const json& ch = (*listed.body)["channels"][0];
  EXPECT_EQ(ch["read_seq"], 1);
  EXPECT_EQ(ch["unread"], 1);
  EXPECT_EQ(ch["last_seq"], 2);
}

}  // namespace
}  // namespace mqchat::test
