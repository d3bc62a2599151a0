// Mentions (docs/PROTOCOL.md, "Mentions"; migration 019) over a real broker with the plugin, on
// SQLite and PostgreSQL: a send or edit mentioning a non-member is refused with
// MENTION_NOT_MEMBER naming them; mentions are delivered live, in history and in sync; the
// conversation list counts each user's unread mentions per conversation, lowered by a read on
// another device and changed by edits and deletions as documented; a mention is pushed to a
// user who muted the conversation (with the fake gateway), unless they turned mention_push off.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/chat_fixture.h"
#include "support/http_test_server.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;
using std::chrono::seconds;

class MentionsTest : public ChatFixture {
 protected:
  // A group of alice (owner), bob and carol; dave exists but is not a member.
  void SetUpGroup() {
    Register({"alice", "bob", "carol", "dave"});
    alice_ = Login("alice", "phone");
    group_ = alice_->CreateGroup("team", {"bob", "carol"});
    ASSERT_GT(group_, 0);
  }
  ChatResponse SendMentioning(ChatTestClient& c, int64_t conv, const std::string& text,
                              const std::vector<std::string>& mentions, const std::string& id) {
    return c.Request(Op::kSend, conv,
                     {{"client_msg_id", id}, {"text", text}, {"mentions", mentions}});
  }
  ChatResponse EditMentioning(ChatTestClient& c, int64_t seq, const std::string& text,
                              const std::vector<std::string>& mentions, const std::string& id) {
    return c.Request(Op::kEdit, group_,
                     {{"client_msg_id", id}, {"seq", seq}, {"text", text}, {"mentions", mentions}});
  }
  // The caller's `conversations` entry for `conv` (null if absent).
  static json SummaryOf(ChatTestClient& c, int64_t conv) {
    auto r = c.Request(Op::kConversations, 0, json::object());
    EXPECT_TRUE(r.ok()) << r.Describe();
    if (!r.ok()) return json();
    for (const auto& s : (*r.body)["conversations"]) {
      if (JsonId(s["conversation_id"]) == conv) return s;
    }
    return json();
  }
  static int64_t UnreadMentions(ChatTestClient& c, int64_t conv) {
    json s = SummaryOf(c, conv);
    return s.is_object() ? s.value("unread_mentions", int64_t{-1}) : -1;
  }
  static int64_t SeqOf(const ChatResponse& r) {
    return r.ok() ? (*r.body)["seq"].get<int64_t>() : 0;
  }

  std::unique_ptr<ChatTestClient> alice_;
  int64_t group_ = 0;
};

TEST_P(MentionsTest, ANonMemberIsRefusedByName) {
  MQCHAT_REQUIRE_SERVER();
  SetUpGroup();
  auto r = SendMentioning(*alice_, group_, "hi @bob @dave", {"bob", "dave"}, "m1");
  EXPECT_EQ(r.error_code(), "MENTION_NOT_MEMBER") << r.Describe();
  EXPECT_NE((*r.body)["error"]["message"].get<std::string>().find("dave"), std::string::npos)
      << r.Describe();
  // Nothing was stored: the next message takes seq 1.
  ASSERT_EQ(SeqOf(SendMentioning(*alice_, group_, "hi @bob", {"bob"}, "m2")), 1);
  // An edit is checked the same way.
  auto edit = EditMentioning(*alice_, 1, "hi @dave", {"dave"}, "e1");
  EXPECT_EQ(edit.error_code(), "MENTION_NOT_MEMBER") << edit.Describe();
  // A malformed list is a bad request, before the store.
  auto bad = alice_->Request(Op::kSend, group_,
                             {{"client_msg_id", "m3"}, {"text", "x"}, {"mentions", {"no/slash"}}});
  EXPECT_EQ(bad.error_code(), "BAD_REQUEST") << bad.Describe();
}

TEST_P(MentionsTest, MentionsAreDeliveredLiveInHistoryAndInSync) {
  MQCHAT_REQUIRE_SERVER();
  SetUpGroup();
  auto bob = Login("bob", "tablet");
  ASSERT_EQ(SeqOf(SendMentioning(*alice_, group_, "@bob @carol look", {"bob", "carol"}, "m1")),
            1);
  ASSERT_EQ(SeqOf(alice_->Send(group_, "plain", "m2")), 2);
  ASSERT_EQ(SeqOf(EditMentioning(*alice_, 2, "plain @bob", {"bob"}, "e1")), 3);

  auto live = bob->WaitMessages(group_, 3);
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0]["mentions"], json({"bob", "carol"}));
  EXPECT_FALSE(live[1].contains("mentions")) << "no field without mentions";
  EXPECT_EQ(live[2]["kind"], "edit");
  EXPECT_EQ(live[2]["mentions"], json({"bob"}));

  auto history = bob->Request(Op::kHistory, group_, json::object());
  ASSERT_TRUE(history.ok()) << history.Describe();
  const json& page = (*history.body)["messages"];
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0]["mentions"], json({"bob", "carol"}));
  EXPECT_EQ(page[1]["mentions"], json({"bob"})) << "the message as edited";

  auto phone = Login("carol", "phone");
  auto sync = phone->Request(Op::kSync, 0, {{"cursors", json::object()}});
  ASSERT_TRUE(sync.ok()) << sync.Describe();
  const json* entry = nullptr;
  for (const auto& c : (*sync.body)["conversations"]) {
    if (JsonId(c["conversation_id"]) == group_) entry = &c;
  }
  ASSERT_NE(entry, nullptr);
  const json& msgs = (*entry)["messages"];
  ASSERT_EQ(msgs.size(), 3u);
  EXPECT_EQ(msgs[0]["mentions"], json({"bob", "carol"}));
  EXPECT_EQ(msgs[1]["mentions"], json({"bob"}));
  EXPECT_EQ(msgs[2]["mentions"], json({"bob"}));
}

TEST_P(MentionsTest, UnreadMentionsPerConversationFollowReadsOnAnotherDevice) {
  MQCHAT_REQUIRE_SERVER();
  SetUpGroup();
  const int64_t direct = alice_->OpenDirect("bob");
  ASSERT_GT(direct, 0);
  ASSERT_EQ(SeqOf(SendMentioning(*alice_, group_, "@bob one", {"bob"}, "g1")), 1);
  ASSERT_EQ(SeqOf(SendMentioning(*alice_, group_, "@carol", {"carol"}, "g2")), 2);
  ASSERT_EQ(SeqOf(SendMentioning(*alice_, group_, "@bob two", {"bob"}, "g3")), 3);
  ASSERT_EQ(SeqOf(SendMentioning(*alice_, direct, "@bob dm", {"bob"}, "d1")), 1);

  auto phone = Login("bob", "phone");
  EXPECT_EQ(UnreadMentions(*phone, group_), 2);
  EXPECT_EQ(UnreadMentions(*phone, direct), 1);
  auto carol = Login("carol");
  EXPECT_EQ(UnreadMentions(*carol, group_), 1);
  EXPECT_EQ(UnreadMentions(*alice_, group_), 0) << "the sender's own";

  // bob reads up to seq 1 of the group on his laptop: his phone's list counts one.
  {
    auto laptop = Login("bob", "laptop");
    ASSERT_TRUE(laptop->Request(Op::kRead, group_, {{"seq", 1}}).ok());
  }
  EXPECT_EQ(UnreadMentions(*phone, group_), 1);
  EXPECT_EQ(UnreadMentions(*phone, direct), 1) << "per conversation";

  // An edit that drops bob takes his mention away; one that adds carol to a message she read
  // counts for her from the edit's seq.
  ASSERT_TRUE(carol->Request(Op::kRead, group_, {{"seq", 3}}).ok());
  EXPECT_EQ(UnreadMentions(*carol, group_), 0);
  ASSERT_EQ(SeqOf(EditMentioning(*alice_, 3, "two", {"carol"}, "e1")), 4);
  EXPECT_EQ(UnreadMentions(*phone, group_), 0);
  EXPECT_EQ(UnreadMentions(*carol, group_), 1);
  // A deletion takes every mention of the message away.
  ASSERT_EQ(SeqOf(alice_->Request(Op::kDelete, group_, {{"client_msg_id", "x1"}, {"seq", 3}})),
            5);
  EXPECT_EQ(UnreadMentions(*carol, group_), 0);
  ASSERT_TRUE(phone->Request(Op::kRead, direct, {{"seq", 1}}).ok());
  EXPECT_EQ(UnreadMentions(*phone, direct), 0);
}

MQCHAT_INSTANTIATE_FOR_STORES(MentionsTest);

// Push: carol is offline with a push target and has muted the group.
class MentionPushTest : public MentionsTest {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<HttpTestServer>();
    MentionsTest::SetUp();
  }
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"push_gateway_url", gateway_->Url()},
            {"push_coalesce_ms", "0"},
            {"presence_min_interval_ms", "0"}};
  }
  // carol registers a target, mutes the group and goes offline (as alice's broker sees her);
  // sets `mention_push` if given.
  void CarolOfflineAndMuted(std::optional<bool> mention_push) {
    auto carol = Login("carol", "phone");
    ASSERT_TRUE(carol->Request(Op::kPushRegister, 0, {{"platform", "fcm"}, {"token", "tok-c"}})
                    .ok());
    ASSERT_TRUE(carol->Request(Op::kMute, group_, {{"until_ms", -1}}).ok());
    if (mention_push) {
      auto r = carol->Request(Op::kPushSettings, 0, {{"mention_push", *mention_push}});
      ASSERT_TRUE(r.ok()) << r.Describe();
      EXPECT_EQ((*r.body)["mention_push"], *mention_push);
      EXPECT_FALSE(r.body->contains("preview")) << "only what was set";
    }
    // Subscribed while she is online (the retained presence says so), then her going offline.
    ASSERT_EQ(alice_->mqtt().Subscribe(protocol::PresenceTopic("carol")), 1);
    carol->Disconnect();
    const auto deadline = std::chrono::steady_clock::now() + seconds(15);
    bool offline = false;
    while (!offline && std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto msg = alice_->mqtt().WaitMessage(left, protocol::PresenceTopic("carol"));
      if (!msg) break;
      auto p = protocol::DecodePresence(msg->payload);
      offline = p.ok() && !p->online;
    }
    ASSERT_TRUE(offline) << "carol offline for alice's broker";
  }
  std::vector<json> Notifications() const {
    std::vector<json> out;
    for (const auto& ex : gateway_->Exchanges()) {
      if (ex.request.json.contains("notification")) out.push_back(ex.request.json["notification"]);
    }
    return out;
  }

  std::unique_ptr<HttpTestServer> gateway_;
};

TEST_P(MentionPushTest, AMentionIsPushedInAMutedConversation) {
  MQCHAT_REQUIRE_SERVER();
  SetUpGroup();
  CarolOfflineAndMuted(std::nullopt);
  ASSERT_TRUE(alice_->Send(group_, "not for carol", "m1").ok());
  ASSERT_TRUE(SendMentioning(*alice_, group_, "@carol see this", {"carol"}, "m2").ok());
  ASSERT_TRUE(WaitFor([&] { return !Notifications().empty(); }, seconds(20), "a notification"));
  // Later messages that do not mention her are not pushed: the direct conversation's message,
  // stored after them, is the next notification.
  ASSERT_TRUE(alice_->Send(group_, "again not for carol", "m3").ok());
  ASSERT_TRUE(SendMentioning(*alice_, group_, "@bob only", {"bob"}, "m4").ok());
  const int64_t direct = alice_->OpenDirect("carol");
  ASSERT_TRUE(alice_->Send(direct, "direct", "d1").ok());
  ASSERT_TRUE(WaitFor([&] { return Notifications().size() >= 2; }, seconds(20), "the direct one"));
  const auto sent = Notifications();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1]["room_id"], std::to_string(direct));
  EXPECT_EQ(sent[0]["room_id"], std::to_string(group_));
  EXPECT_EQ(sent[0]["mention"], true);
  EXPECT_EQ(sent[0]["last_seq"], 2);
  EXPECT_EQ(sent[0]["content"]["body"], "@carol see this");
}

TEST_P(MentionPushTest, MentionPushOffKeepsTheMuteSilent) {
  MQCHAT_REQUIRE_SERVER();
  SetUpGroup();
  CarolOfflineAndMuted(false);
  ASSERT_TRUE(SendMentioning(*alice_, group_, "@carol muted", {"carol"}, "m1").ok());
  // The direct conversation is not muted: its message is the one notification, and it comes
  // after the group's mention was (not) recorded, in the writer's order.
  const int64_t direct = alice_->OpenDirect("carol");
  ASSERT_TRUE(alice_->Send(direct, "direct", "d1").ok());
  ASSERT_TRUE(WaitFor([&] { return !Notifications().empty(); }, seconds(20), "a notification"));
  const auto sent = Notifications();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["room_id"], std::to_string(direct));
  EXPECT_FALSE(sent[0].contains("mention"));
}

MQCHAT_INSTANTIATE_FOR_STORES(MentionPushTest);

}  // namespace
}  // namespace mqchat::test
