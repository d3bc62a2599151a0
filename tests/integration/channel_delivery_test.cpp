// Text channels as conversations (issue 18, channel delivery; docs/ARCHITECTURE.md "Channel
// delivery"), over a real broker on SQLite and PostgreSQL: a member's send is stored with the
// next seq and reaches another member's device live, once, on the channel topic, and through
// sync and history; an attacker without view permission can neither subscribe (exact and
// guessed ids, wildcards at every level, shared subscriptions, retained publishes) nor send nor
// read; a permission taken away (a role, a kick, a ban) stops live delivery and reads at once,
// without reconnecting.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "protocol/community.h"
#include "protocol/ids.h"
#include "support/chat_fixture.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::CommunityOp;

constexpr int64_t kViewChannel = 1;
constexpr int64_t kSendMessages = 2;
constexpr int kGranted = 1;  // SUBACK: QoS 1 granted
constexpr int kRefused = 0x87;

std::string ChannelTopic(int64_t id) { return "mqchat/v1/ch/" + std::to_string(id); }

class ChannelDeliveryTest : public ChatFixture {
 protected:
  ChatResponse Op(ChatTestClient& c, CommunityOp op, json body) {
    const std::string req_id = "c" + std::to_string(++next_req_);
    body["req_id"] = req_id;
    return c.RequestOnTopic(protocol::CommunityRequestTopic(op), body.dump(), req_id);
  }
  // A server owned by `owner` that each of `members` joined: (server id, its "general").
  std::pair<std::string, int64_t> Guild(ChatTestClient& owner,
                                        const std::vector<ChatTestClient*>& members) {
    auto made = Op(owner, CommunityOp::kServerCreate, {{"name", "Guild"}});
    EXPECT_TRUE(made.ok()) << made.Describe();
    const std::string server = (*made.body)["server"]["server_id"];
    everyone_ = (*made.body)["server"]["everyone_role_id"];
    auto invite = Op(owner, CommunityOp::kInviteCreate, {{"server_id", server}});
    EXPECT_TRUE(invite.ok()) << invite.Describe();
    for (ChatTestClient* m : members) {
      auto joined = Op(*m, CommunityOp::kInviteJoin, {{"code", (*invite.body)["invite"]["code"]}});
      EXPECT_TRUE(joined.ok()) << joined.Describe();
    }
    auto channels = Op(owner, CommunityOp::kChannels, {{"server_id", server}});
    EXPECT_TRUE(channels.ok()) << channels.Describe();
    return {server, JsonId((*channels.body)["channels"][0]["channel_id"])};
  }
  // A request through `c`'s writer: answered after every reload of `c`'s channel access that
  // was queued before it (docs/PROTOCOL.md: a client lists its servers or channels before it
  // syncs or subscribes to channels after connecting).
  void Barrier(ChatTestClient& c) {
    auto r = Op(c, CommunityOp::kServers, json::object());
    ASSERT_TRUE(r.ok()) << r.Describe();
  }
  // A channel named `name` in `server`, made by `owner`.
  int64_t MakeChannel(ChatTestClient& owner, const std::string& server, const std::string& name) {
    auto made = Op(owner, CommunityOp::kChannelCreate, {{"server_id", server}, {"name", name}});
    EXPECT_TRUE(made.ok()) << made.Describe();
    return made.ok() ? JsonId((*made.body)["channel"]["channel_id"]) : 0;
  }
  // The next message event on channel `id`'s topic.
  std::optional<json> NextChannelMessage(ChatTestClient& c, int64_t id,
                                         std::chrono::milliseconds timeout = kWait) {
    auto msg = c.mqtt().WaitMessage(timeout, ChannelTopic(id));
    if (!msg) return std::nullopt;
    return json::parse(msg->payload);
  }
  // Proves `c` got nothing on channel `id` up to now: `marker_from` sends into a direct
  // conversation with `c` after whatever was published before; once `c` has it, anything the
  // broker published to `c` earlier has arrived too (one connection, in order).
  void ExpectNothingOnChannel(ChatTestClient& c, ChatTestClient& marker_from, int64_t id) {
    const int64_t dm = marker_from.OpenDirect(c.user());
    ASSERT_TRUE(marker_from.Send(dm, "marker", "marker-" + std::to_string(++next_req_)).ok());
    ASSERT_EQ(c.WaitMessages(dm, 1).size(), 1u);
    EXPECT_FALSE(c.mqtt().WaitMessage(std::chrono::milliseconds(0), ChannelTopic(id)))
        << c.user() << " received a message of channel " << id;
  }
  // Every message of channel `id` that a sync from 0 returns to `c`, by seq.
  std::map<int64_t, json> SyncChannel(ChatTestClient& c, int64_t id) {
    std::map<int64_t, json> out;
    auto r = c.Request(protocol::Op::kSync, 0, {{"cursors", json::object()}, {"limit", 100}});
    EXPECT_TRUE(r.ok()) << r.Describe();
    if (!r.ok()) return out;
    for (const auto& conv : (*r.body)["conversations"]) {
      if (JsonId(conv["conversation_id"]) != id) continue;
      for (const auto& m : conv["messages"]) out[m["seq"].get<int64_t>()] = m;
    }
    return out;
  }

  static constexpr std::chrono::milliseconds kWait{10000};
  std::string everyone_;
  int next_req_ = 0;
};

TEST_P(ChannelDeliveryTest, AMemberSendsAndAnotherGetsItLiveAndBySync) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  const auto [server, general] = Guild(*olga, {bob.get()});
  ASSERT_EQ(bob->mqtt().Subscribe(ChannelTopic(general)), kGranted);

  auto ack = olga->Send(general, "hello channel", "m1");
  ASSERT_TRUE(ack.ok()) << ack.Describe();
  EXPECT_EQ((*ack.body)["seq"], 1);
  auto live = NextChannelMessage(*bob, general);
  ASSERT_TRUE(live) << "no live delivery";
  EXPECT_EQ((*live)["type"], "message");
  EXPECT_EQ(JsonId((*live)["conversation_id"]), general);
  EXPECT_EQ((*live)["seq"], 1);
  EXPECT_EQ((*live)["text"], "hello channel");
  EXPECT_EQ((*live)["sender"], "olga");

  // Idempotent: the same client_msg_id is the same message, not delivered again.
  auto again = olga->Send(general, "hello channel", "m1");
  ASSERT_TRUE(again.ok()) << again.Describe();
  EXPECT_EQ((*again.body)["seq"], 1);
  EXPECT_TRUE((*again.body)["duplicate"].get<bool>());

  // Offline: bob's device is gone while olga sends; sync brings it, seqs without gaps.
  bob->Disconnect();
  ASSERT_TRUE(olga->Send(general, "while you were away", "m2").ok());
  bob = Login("bob");
  Barrier(*bob);
  auto synced = SyncChannel(*bob, general);
  ASSERT_EQ(synced.size(), 2u);
  EXPECT_EQ(synced[1]["text"], "hello channel");
  EXPECT_EQ(synced[2]["text"], "while you were away");
  auto history = bob->Request(protocol::Op::kHistory, general, {{"after_seq", 0}});
  ASSERT_TRUE(history.ok()) << history.Describe();
  EXPECT_EQ((*history.body)["messages"].size(), 2u);

  // bob answers; edits and reactions are events of the channel, delivered the same way.
  ASSERT_EQ(bob->mqtt().Subscribe(ChannelTopic(general)), kGranted);
  ASSERT_EQ(olga->mqtt().Subscribe(ChannelTopic(general)), kGranted);
  auto reply = bob->Send(general, "back", "b1");
  ASSERT_TRUE(reply.ok()) << reply.Describe();
  EXPECT_EQ((*reply.body)["seq"], 3);
  auto at_olga = NextChannelMessage(*olga, general);
  ASSERT_TRUE(at_olga);
  EXPECT_EQ((*at_olga)["text"], "back");
  auto react = bob->Request(protocol::Op::kReact, general,
                            {{"client_msg_id", "r1"}, {"seq", 1}, {"emoji", "👍"}});
  ASSERT_TRUE(react.ok()) << react.Describe();
  EXPECT_EQ((*react.body)["seq"], 4);
}

TEST_P(ChannelDeliveryTest, WithoutViewPermissionNothingReachesTheAttacker) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "eve"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto eve = Login("eve");  // in no server
  const auto [server, general] = Guild(*olga, {bob.get()});
  const int64_t staff = MakeChannel(*olga, server, "staff");
  ASSERT_TRUE(Op(*olga, CommunityOp::kOverrideSet,
                 {{"channel_id", std::to_string(staff)}, {"role_id", everyone_},
                  {"deny", kViewChannel}})
                  .ok());
  ASSERT_EQ(olga->mqtt().Subscribe(ChannelTopic(staff)), kGranted);
  const std::string id = std::to_string(staff);
  const std::string guessed = std::to_string(staff + 1000);
  const std::string filters[] = {
      ChannelTopic(staff), "mqchat/v1/ch/" + guessed, "mqchat/v1/ch/0" + id,
      "mqchat/v1/ch/" + id + "/#", "mqchat/v1/ch/+", "mqchat/v1/ch/#", "mqchat/v1/+/" + id,
      "mqchat/+/ch/" + id, "+/v1/ch/" + id, "+/+/+/" + id, "+/+/+/+", "mqchat/#", "#",
      "$share/g/" + ChannelTopic(staff), "$share/g/mqchat/v1/ch/+", "$share/g/#",
  };
  for (ChatTestClient* c : {bob.get(), eve.get()}) {
    for (const std::string& f : filters) {
      EXPECT_EQ(c->mqtt().Subscribe(f), kRefused) << c->user() << " " << f;
    }
  }
  // The outsider cannot have "general" either; the member can.
  EXPECT_EQ(eve->mqtt().Subscribe(ChannelTopic(general)), kRefused);
  Barrier(*bob);  // the override above made bob's access of the server reload
  EXPECT_EQ(bob->mqtt().Subscribe(ChannelTopic(general)), kGranted);

  // No retained copy to find later: clients cannot publish on a channel topic at all, and the
  // plugin's publishes are not retained.
  eve->mqtt().Publish(ChannelTopic(staff), "{\"type\":\"message\",\"text\":\"fake\"}", 1, true);
  bob->mqtt().Publish(ChannelTopic(general), "{\"type\":\"message\",\"text\":\"fake\"}", 1, true);
  ASSERT_TRUE(olga->Send(staff, "staff only", "s1").ok());
  auto got = NextChannelMessage(*olga, staff);
  ASSERT_TRUE(got);
  EXPECT_EQ((*got)["text"], "staff only");
  EXPECT_FALSE(bob->mqtt().WaitMessage(std::chrono::milliseconds(0), ChannelTopic(general)));

  // Neither sends nor reads: the same answer as for a conversation one is not in.
  for (ChatTestClient* c : {bob.get(), eve.get()}) {
    EXPECT_EQ(c->Send(staff, "let me in", "x1").error_code(), "NOT_MEMBER") << c->user();
    EXPECT_EQ(c->Request(protocol::Op::kHistory, staff, {}).error_code(), "NOT_MEMBER");
    EXPECT_TRUE(SyncChannel(*c, staff).empty());
  }
  EXPECT_EQ(eve->Send(general, "hi", "x2").error_code(), "NOT_MEMBER");
  EXPECT_EQ(eve->Request(protocol::Op::kHistory, general, {}).error_code(), "NOT_MEMBER");
  ExpectNothingOnChannel(*bob, *olga, staff);
  ExpectNothingOnChannel(*eve, *olga, staff);

  // View without send: FORBIDDEN for a send; reading stays allowed.
  ASSERT_TRUE(Op(*olga, CommunityOp::kOverrideSet,
                 {{"channel_id", std::to_string(general)}, {"role_id", everyone_},
                  {"deny", kSendMessages}})
                  .ok());
  Barrier(*bob);
  EXPECT_EQ(bob->Send(general, "shh", "x3").error_code(), "FORBIDDEN");
  EXPECT_TRUE(bob->Request(protocol::Op::kHistory, general, {}).ok());
}

TEST_P(ChannelDeliveryTest, RevocationTakesEffectAtOnceWithoutReconnecting) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "cat"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto cat = Login("cat");
  const auto [server, general] = Guild(*olga, {bob.get(), cat.get()});
  // A private channel: @everyone may not view it, the role "staff" may.
  const int64_t staff = MakeChannel(*olga, server, "staff");
  ASSERT_TRUE(Op(*olga, CommunityOp::kOverrideSet,
                 {{"channel_id", std::to_string(staff)}, {"role_id", everyone_},
                  {"deny", kViewChannel}})
                  .ok());
  auto role = Op(*olga, CommunityOp::kRoleCreate,
                 {{"server_id", server}, {"name", "staff"}, {"permissions", 0}});
  ASSERT_TRUE(role.ok()) << role.Describe();
  const std::string role_id = (*role.body)["role"]["role_id"];
  ASSERT_TRUE(Op(*olga, CommunityOp::kOverrideSet,
                 {{"channel_id", std::to_string(staff)}, {"role_id", role_id},
                  {"allow", kViewChannel | kSendMessages}})
                  .ok());
  EXPECT_EQ(bob->mqtt().Subscribe(ChannelTopic(staff)), kRefused);  // not yet
  ASSERT_TRUE(Op(*olga, CommunityOp::kRoleAssign, {{"role_id", role_id}, {"user", "bob"}}).ok());
  // Granted once bob's access has reloaded: the change marks it stale before olga's answer
  // (so a revocation holds at once), and bob's next community request (his client's answer
  // to the change) reloads it before it is answered.
  Barrier(*bob);
  ASSERT_EQ(bob->mqtt().Subscribe(ChannelTopic(staff)), kGranted);
  ASSERT_TRUE(olga->Send(staff, "for staff", "s1").ok());
  ASSERT_TRUE(NextChannelMessage(*bob, staff));

  // The role taken away: the next message does not reach bob's live subscription, and he
  // can read neither history nor sync of the channel, nor send into it.
  ASSERT_TRUE(Op(*olga, CommunityOp::kRoleUnassign, {{"role_id", role_id}, {"user", "bob"}}).ok());
  ASSERT_TRUE(olga->Send(staff, "after bob left staff", "s2").ok());
  ExpectNothingOnChannel(*bob, *olga, staff);
  EXPECT_EQ(bob->Request(protocol::Op::kHistory, staff, {}).error_code(), "NOT_MEMBER");
  EXPECT_TRUE(SyncChannel(*bob, staff).empty());
  EXPECT_EQ(bob->Send(staff, "still here?", "b1").error_code(), "NOT_MEMBER");

  // A kick and a ban stop "general" the same way.
  Barrier(*bob);
  ASSERT_EQ(bob->mqtt().Subscribe(ChannelTopic(general)), kGranted);
  ASSERT_EQ(cat->mqtt().Subscribe(ChannelTopic(general)), kGranted);
  ASSERT_TRUE(olga->Send(general, "all here", "g1").ok());
  ASSERT_TRUE(NextChannelMessage(*bob, general));
  ASSERT_TRUE(NextChannelMessage(*cat, general));
  ASSERT_TRUE(Op(*olga, CommunityOp::kKick, {{"server_id", server}, {"user", "bob"}}).ok());
  ASSERT_TRUE(Op(*olga, CommunityOp::kBan, {{"server_id", server}, {"user", "cat"}}).ok());
  ASSERT_TRUE(olga->Send(general, "without them", "g2").ok());
  ExpectNothingOnChannel(*bob, *olga, general);
  ExpectNothingOnChannel(*cat, *olga, general);
  for (ChatTestClient* c : {bob.get(), cat.get()}) {
    EXPECT_EQ(c->Request(protocol::Op::kHistory, general, {}).error_code(), "NOT_MEMBER");
    EXPECT_EQ(c->mqtt().Subscribe(ChannelTopic(general)), kRefused);
  }
}

MQCHAT_INSTANTIATE_FOR_STORES(ChannelDeliveryTest);

}  // namespace
}  // namespace mqchat::test
