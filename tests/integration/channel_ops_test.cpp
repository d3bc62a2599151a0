// Typing, moderator deletions and slow mode in text channels (issue 18 with issue 24's slow
// mode; docs/PROTOCOL.md "Channel messages"), over a real broker on SQLite and PostgreSQL:
// typing reaches the readers of a channel on its topic and never a member without view
// permission (a private channel, a deny override, wildcard subscriptions); a member with
// manage_messages (or the owner) deletes another's message and every reader sees the
// deletion live, while a plain member is refused with NOT_AUTHOR and nothing changes (a
// channel override taking manage_messages away counts too); set_slow_mode on a channel needs
// manage_channels, the `channels` result carries it, a plain member's second message within
// the interval is RATE_LIMITED with retry_after_ms and not stored, and members with
// manage_messages or manage_channels are exempt (Discord's rule).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "protocol/community.h"
#include "protocol/topics.h"
#include "support/guild_fixture.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::ChannelTopic;
using protocol::CommunityOp;
using protocol::Op;

class ChannelOpsTest : public GuildFixture {
 protected:
  // Proves `c` got nothing on any of `topics` up to now: a direct message from `from` published
  // after them reaches `c` on the same connection, so anything earlier has arrived too.
  void ExpectNothingOn(ChatTestClient& c, ChatTestClient& from,
                       const std::vector<std::string>& topics) {
    const int64_t dm = from.OpenDirect(c.user());
    ASSERT_TRUE(from.Send(dm, "marker", "marker-" + std::to_string(++next_req_)).ok());
    ASSERT_EQ(c.WaitMessages(dm, 1).size(), 1u);
    for (const std::string& t : topics) {
      EXPECT_FALSE(c.mqtt().WaitMessage(std::chrono::milliseconds(0), t))
          << c.user() << " received something on " << t;
    }
  }
  static ChatResponse Typing(ChatTestClient& c, int64_t id) {
    return c.Request(Op::kTyping, id, {{"typing", true}});
  }
  static ChatResponse Delete(ChatTestClient& c, int64_t id, int64_t seq, const std::string& cid) {
    return c.Request(Op::kDelete, id, {{"client_msg_id", cid}, {"seq", seq}});
  }
  static ChatResponse SetSlowMode(ChatTestClient& c, int64_t id, int64_t seconds) {
    return c.Request(Op::kSetSlowMode, 0,
                     {{"conversation_id", std::to_string(id)}, {"seconds", seconds}});
  }
  std::vector<json> History(ChatTestClient& c, int64_t id) {
    auto r = c.Request(Op::kHistory, id, {{"after_seq", 0}, {"limit", 100}});
    EXPECT_TRUE(r.ok()) << r.Describe();
    return r.ok() ? (*r.body)["messages"].get<std::vector<json>>() : std::vector<json>{};
  }
};

TEST_P(ChannelOpsTest, TypingReachesReadersAndNeverAMemberWithoutView) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "cat", "eve"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto cat = Login("cat");
  auto eve = Login("eve");  // in no server
  Guild(*olga, {bob.get(), cat.get()});
  const int64_t general = general_;
  // "staff": private (@everyone denied view), bob's role may view and send.
  const int64_t staff = MakeChannel(*olga, "staff");
  HideFromEveryone(*olga, staff);
  const std::string role = GiveRole(*olga, "bob", 0);
  Override(*olga, staff, {{"role_id", role}}, kViewChannel | kSendMessages, 0);
  // "quiet": cat's own override denies view in a channel everyone else sees.
  const int64_t quiet = MakeChannel(*olga, "quiet");
  Override(*olga, quiet, {{"user", "cat"}}, 0, kViewChannel);
  Barrier(*bob);
  Barrier(*cat);

  ASSERT_EQ(bob->mqtt().Subscribe(ChannelTopic(staff)), kGranted);
  ASSERT_EQ(bob->mqtt().Subscribe(ChannelTopic(quiet)), kGranted);
  ASSERT_EQ(cat->mqtt().Subscribe(ChannelTopic(general)), kGranted);
  // cat tries every way onto the channels it may not view: each refused by the ACL, and even
  // a subscription the broker took would be filtered message by message on READ.
  const std::vector<std::string> attempts = {
      ChannelTopic(staff), ChannelTopic(quiet), "mqchat/v1/ch/+", "mqchat/v1/ch/#", "#",
      "mqchat/#", "$share/g/" + ChannelTopic(staff)};
  for (const std::string& filter : attempts) cat->mqtt().Subscribe(filter);

  ASSERT_TRUE(Typing(*olga, staff).ok());
  ASSERT_TRUE(Typing(*olga, quiet).ok());
  auto seen = NextChannelMessage(*bob, staff);
  ASSERT_TRUE(seen) << "bob got no typing in staff";
  EXPECT_EQ((*seen)["type"], "typing");
  EXPECT_EQ(JsonId((*seen)["conversation_id"]), staff);
  EXPECT_EQ((*seen)["user"], "olga");
  EXPECT_EQ((*seen)["typing"], true);
  auto quiet_seen = NextChannelMessage(*bob, quiet);
  ASSERT_TRUE(quiet_seen) << "bob got no typing in quiet";
  EXPECT_EQ((*quiet_seen)["type"], "typing");
  // Typing in general reaches cat: the channel topic carries it to a permitted reader.
  ASSERT_TRUE(Typing(*bob, general).ok());
  auto general_seen = NextChannelMessage(*cat, general);
  ASSERT_TRUE(general_seen) << "cat got no typing in general";
  EXPECT_EQ((*general_seen)["user"], "bob");
  ExpectNothingOn(*cat, *olga, {ChannelTopic(staff), ChannelTopic(quiet)});
  // Nothing was stored: typing is no entry of the log.
  EXPECT_TRUE(History(*olga, staff).empty());

  // Without view: as an outsider; with view but no send: FORBIDDEN.
  EXPECT_EQ(Typing(*cat, staff).error_code(), "NOT_MEMBER");
  EXPECT_EQ(Typing(*cat, quiet).error_code(), "NOT_MEMBER");
  EXPECT_EQ(Typing(*eve, general).error_code(), "NOT_MEMBER");
  Override(*olga, general, {{"user", "cat"}}, 0, kSendMessages);
  Barrier(*cat);
  EXPECT_EQ(Typing(*cat, general).error_code(), "FORBIDDEN");
}

TEST_P(ChannelOpsTest, ManageMessagesDeletesAnothersMessageLiveAndAPlainMemberIsRefused) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "cat", "dan"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto cat = Login("cat");
  auto dan = Login("dan");
  Guild(*olga, {bob.get(), cat.get(), dan.get()});
  const int64_t general = general_;
  const std::string mods = GiveRole(*olga, "dan", kManageMessages);
  Barrier(*dan);
  ASSERT_EQ(bob->mqtt().Subscribe(ChannelTopic(general)), kGranted);
  ASSERT_EQ(cat->mqtt().Subscribe(ChannelTopic(general)), kGranted);

  ASSERT_TRUE(bob->Send(general, "first", "b1").ok());
  ASSERT_TRUE(bob->Send(general, "second", "b2").ok());
  ASSERT_TRUE(NextChannelMessage(*cat, general));
  ASSERT_TRUE(NextChannelMessage(*cat, general));
  ASSERT_TRUE(NextChannelMessage(*bob, general));
  ASSERT_TRUE(NextChannelMessage(*bob, general));

  // A plain member: NOT_AUTHOR, nothing stored, nothing delivered.
  auto refused = Delete(*cat, general, 1, "c-del");
  EXPECT_EQ(refused.error_code(), "NOT_AUTHOR") << refused.Describe();
  EXPECT_EQ(History(*olga, general).size(), 2u);

  // dan (manage_messages through a role) deletes bob's first message.
  auto deleted = Delete(*dan, general, 1, "d-del");
  ASSERT_TRUE(deleted.ok()) << deleted.Describe();
  EXPECT_EQ((*deleted.body)["seq"], 3);
  for (ChatTestClient* reader : {bob.get(), cat.get()}) {
    auto live = NextChannelMessage(*reader, general);
    ASSERT_TRUE(live) << reader->user() << " saw no deletion";
    EXPECT_EQ((*live)["kind"], "delete");
    EXPECT_EQ((*live)["target_seq"], 1);
    EXPECT_EQ((*live)["sender"], "dan");
  }
  // The owner holds every flag.
  ASSERT_TRUE(Delete(*olga, general, 2, "o-del").ok());
  auto owner_delete = NextChannelMessage(*cat, general);
  ASSERT_TRUE(owner_delete);
  EXPECT_EQ((*owner_delete)["target_seq"], 2);
  // History keeps the messages as tombstones: neither text is left.
  for (const auto& m : History(*cat, general)) {
    EXPECT_NE(m.value("text", ""), "first");
    EXPECT_NE(m.value("text", ""), "second");
  }

  // A channel override taking manage_messages from dan's role binds too (resolved with the
  // overrides), and so does losing the role.
  ASSERT_TRUE(bob->Send(general, "third", "b3").ok());
  Override(*olga, general, {{"role_id", mods}}, 0, kManageMessages);
  EXPECT_EQ(Delete(*dan, general, 5, "d-del2").error_code(), "NOT_AUTHOR");
  Override(*olga, general, {{"role_id", mods}}, 0, 0);
  ASSERT_TRUE(Op(*olga, CommunityOp::kRoleUnassign, {{"role_id", mods}, {"user", "dan"}}).ok());
  EXPECT_EQ(Delete(*dan, general, 5, "d-del3").error_code(), "NOT_AUTHOR");
  bool third_kept = false;
  for (const auto& m : History(*olga, general)) third_kept |= m.value("text", "") == "third";
  EXPECT_TRUE(third_kept);
}

TEST_P(ChannelOpsTest, SlowModeOnAChannelPacesPlainMembersAndExemptsModerators) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "dan", "eve", "mia"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto dan = Login("dan");
  auto mia = Login("mia");
  auto eve = Login("eve");  // in no server
  Guild(*olga, {bob.get(), dan.get(), mia.get()});
  const int64_t general = general_;
  GiveRole(*olga, "dan", kManageMessages);
  const std::string chan_role = GiveRole(*olga, "mia", kManageChannels);
  Barrier(*dan);
  Barrier(*mia);
  EXPECT_FALSE(Listed(*bob, general).contains("slow_mode_s"));  // off: absent

  // Only with manage_channels: a plain member FORBIDDEN, an outsider NOT_MEMBER.
  EXPECT_EQ(SetSlowMode(*bob, general, 60).error_code(), "FORBIDDEN");
  EXPECT_EQ(SetSlowMode(*dan, general, 60).error_code(), "FORBIDDEN");
  EXPECT_EQ(SetSlowMode(*eve, general, 60).error_code(), "NOT_MEMBER");
  auto set = SetSlowMode(*mia, general, 60);
  ASSERT_TRUE(set.ok()) << set.Describe();
  EXPECT_EQ((*set.body)["slow_mode_s"], 60);
  EXPECT_EQ(Listed(*bob, general)["slow_mode_s"], 60);
  Barrier(*bob);

  ASSERT_TRUE(bob->Send(general, "one", "b1").ok());
  auto refused = bob->Send(general, "two", "b2");
  ASSERT_EQ(refused.error_code(), "RATE_LIMITED") << refused.Describe();
  const int64_t retry = (*refused.body)["error"].value("retry_after_ms", int64_t{0});
  EXPECT_GT(retry, 0);
  EXPECT_LE(retry, 60000);
  // The same refusal as a group's slow mode (docs/PROTOCOL.md "set_slow_mode"), not a send
  // limit's: the message names slow mode and the wait it carries.
  EXPECT_EQ((*refused.body)["error"].value("message", ""),
            "this conversation is in slow mode; wait " + std::to_string(retry) +
                " ms before sending again")
      << refused.Describe();
  // Exempt: manage_messages (dan), manage_channels (mia), the owner.
  for (ChatTestClient* c : {dan.get(), mia.get(), olga.get()}) {
    ASSERT_TRUE(c->Send(general, "a", c->user() + "-1").ok()) << c->user();
    auto second = c->Send(general, "b", c->user() + "-2");
    EXPECT_TRUE(second.ok()) << c->user() << ": " << second.Describe();
  }
  auto history = History(*olga, general);
  ASSERT_EQ(history.size(), 7u);  // bob's refused message was not stored
  for (const auto& m : history) EXPECT_NE(m["client_msg_id"], "b2");

  // Off again: bob's refused message is taken at once (a refused send holds back the client's
  // later ones until it is resent, docs/PROTOCOL.md).
  ASSERT_TRUE(SetSlowMode(*olga, general, 0).ok());
  Barrier(*bob);
  EXPECT_TRUE(bob->Send(general, "two", "b2").ok());
  EXPECT_FALSE(Listed(*bob, general).contains("slow_mode_s"));
  (void)chan_role;
}

MQCHAT_INSTANTIATE_FOR_STORES(ChannelOpsTest);

}  // namespace
}  // namespace mqchat::test
