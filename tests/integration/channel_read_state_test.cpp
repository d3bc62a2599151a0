// Channel read markers, unread and mention counts (issue 18; docs/PROTOCOL.md "Channel read
// markers"), over a real broker on SQLite and PostgreSQL: `channels` carries each text
// channel's last_seq and the caller's read_seq, unread (messages only) and unread_mentions;
// `read` on a channel id moves the caller's read position (clamped, never down) and tells only
// the caller's other devices; a send moves the sender's; mentions in a channel name server
// members; a reader without view permission, and an outsider, are refused as for a
// conversation they are not in.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "protocol/community.h"
#include "support/guild_fixture.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::CommunityOp;

class ChannelReadStateTest : public GuildFixture {
 protected:
  ChatResponse SendMentioning(ChatTestClient& c, int64_t id, const std::string& text,
                              const std::vector<std::string>& mentions, const std::string& cid) {
    return c.Request(protocol::Op::kSend, id,
                     {{"client_msg_id", cid}, {"text", text}, {"mentions", mentions}});
  }
  ChatResponse Read(ChatTestClient& c, int64_t id, int64_t seq) {
    return c.Request(protocol::Op::kRead, id, {{"seq", seq}});
  }
};

TEST_P(ChannelReadStateTest, ChannelsCountUnreadAndMentionsAndReadsLowerThem) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "cat"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto bob2 = Login("bob", "d2");
  auto cat = Login("cat");
  Guild(*olga, {bob.get(), cat.get()});
  ASSERT_NE(general_, 0);

  // Nothing sent yet: zeros, present on the text channel.
  json fresh = Listed(*bob, general_);
  ASSERT_TRUE(fresh.is_object());
  EXPECT_EQ(fresh["last_seq"], 0);
  EXPECT_EQ(fresh["read_seq"], 0);
  EXPECT_EQ(fresh["unread"], 0);
  EXPECT_EQ(fresh["unread_mentions"], 0);

  ASSERT_TRUE(olga->Send(general_, "one", "m1").ok());
  auto two = SendMentioning(*olga, general_, "two @bob", {"bob"}, "m2");
  ASSERT_TRUE(two.ok()) << two.Describe();
  ASSERT_TRUE(olga->Send(general_, "three", "m3").ok());
  // A reaction takes a seq but is not unread.
  ASSERT_TRUE(olga->Request(protocol::Op::kReact, general_,
                            {{"client_msg_id", "r1"}, {"seq", 1}, {"emoji", "👍"}})
                  .ok());

  json before = Listed(*bob, general_);
  EXPECT_EQ(before["last_seq"], 4);
  EXPECT_EQ(before["read_seq"], 0);
  EXPECT_EQ(before["unread"], 3);
  EXPECT_EQ(before["unread_mentions"], 1);
  // The sender's own messages are read; cat, never here, has everything unread, no mention.
  json at_olga = Listed(*olga, general_);
  EXPECT_EQ(at_olga["read_seq"], 4);
  EXPECT_EQ(at_olga["unread"], 0);
  json at_cat = Listed(*cat, general_);
  EXPECT_EQ(at_cat["unread"], 3);
  EXPECT_EQ(at_cat["unread_mentions"], 0);

  // bob reads up to 2 on one device: the other device is told, olga and cat are not.
  auto read = Read(*bob, general_, 2);
  ASSERT_TRUE(read.ok()) << read.Describe();
  EXPECT_EQ((*read.body)["read_seq"], 2);
  EXPECT_EQ(JsonId((*read.body)["conversation_id"]), general_);
  auto event = bob2->WaitEvent("read");
  ASSERT_TRUE(event) << "bob's other device was not told";
  EXPECT_EQ(JsonId((*event)["conversation_id"]), general_);
  EXPECT_EQ((*event)["user"], "bob");
  EXPECT_EQ((*event)["read_seq"], 2);
  json after = Listed(*bob, general_);
  EXPECT_EQ(after["read_seq"], 2);
  EXPECT_EQ(after["unread"], 1);
  EXPECT_EQ(after["unread_mentions"], 0);
  // The channel's other readers: a marker bob sends each after the read reaches them after
  // anything published to them before it (one connection, in order), and no read event came.
  for (ChatTestClient* other : {olga.get(), cat.get()}) {
    const int64_t dm = bob->OpenDirect(other->user());
    ASSERT_TRUE(bob->Send(dm, "marker", "k-" + other->user()).ok());
    ASSERT_EQ(other->WaitMessages(dm, 1).size(), 1u);
    EXPECT_FALSE(other->WaitEvent("read", std::chrono::milliseconds(0))) << other->user();
  }

  // Never down; clamped to last_seq.
  auto back = Read(*bob, general_, 1);
  ASSERT_TRUE(back.ok()) << back.Describe();
  EXPECT_EQ((*back.body)["read_seq"], 2);
  auto past = Read(*bob, general_, 1000);
  ASSERT_TRUE(past.ok()) << past.Describe();
  EXPECT_EQ((*past.body)["read_seq"], 4);
  EXPECT_EQ(Listed(*bob, general_)["unread"], 0);

  // A send moves the sender's read position; cat's stays where it was.
  ASSERT_TRUE(olga->Send(general_, "five", "m5").ok());
  EXPECT_EQ(Listed(*bob, general_)["unread"], 1);
  auto answer = cat->Send(general_, "hi all", "c1");
  ASSERT_TRUE(answer.ok()) << answer.Describe();
  json cat_after = Listed(*cat, general_);
  EXPECT_EQ(cat_after["read_seq"], 6);
  EXPECT_EQ(cat_after["unread"], 0);
  EXPECT_EQ(Listed(*bob, general_)["unread"], 2);
}

TEST_P(ChannelReadStateTest, MentionsNameServerMembersAndReadNeedsViewPermission) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "eve"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto eve = Login("eve");  // in no server
  Guild(*olga, {bob.get()});

  // Mentions: a server member, yes; anyone else is refused, nothing stored.
  auto ok = SendMentioning(*olga, general_, "hi @bob", {"bob"}, "m1");
  ASSERT_TRUE(ok.ok()) << ok.Describe();
  auto refused = SendMentioning(*olga, general_, "hi @eve", {"eve"}, "m2");
  EXPECT_EQ(refused.error_code(), "MENTION_NOT_MEMBER") << refused.Describe();
  EXPECT_EQ(Listed(*bob, general_)["last_seq"], 1);

  // The outsider and a member without view permission: NOT_MEMBER, as for a conversation.
  EXPECT_EQ(Read(*eve, general_, 1).error_code(), "NOT_MEMBER");
  const int64_t staff_id = MakeChannel(*olga, "staff");
  ASSERT_NE(staff_id, 0);
  HideFromEveryone(*olga, staff_id);
  ASSERT_TRUE(olga->Send(staff_id, "staff only", "s1").ok());
  EXPECT_TRUE(Listed(*bob, staff_id).is_null());  // not listed: he may not view it
  EXPECT_EQ(Read(*bob, staff_id, 1).error_code(), "NOT_MEMBER");
  json at_olga = Listed(*olga, staff_id);
  EXPECT_EQ(at_olga["last_seq"], 1);
  EXPECT_EQ(at_olga["read_seq"], 1);

  // Other channel types carry no read state.
  auto category = Op(*olga, CommunityOp::kChannelCreate,
                     {{"server_id", server_id_}, {"name", "Topics"}, {"type", "category"}});
  ASSERT_TRUE(category.ok()) << category.Describe();
  json listed = Listed(*olga, JsonId((*category.body)["channel"]["channel_id"]));
  ASSERT_TRUE(listed.is_object());
  EXPECT_FALSE(listed.contains("unread"));
  EXPECT_FALSE(listed.contains("read_seq"));
}

MQCHAT_INSTANTIATE_FOR_STORES(ChannelReadStateTest);

}  // namespace
}  // namespace mqchat::test
