// A call's outcome in its conversation's log (issue 27; docs/PROTOCOL.md 8.5), on SQLite and
// PostgreSQL: when a call ends, an entry of kind "call" (sender: the caller; "call": the record)
// takes the conversation's next seq, reaches every member's devices live, is in `history` and in
// the `sync` of a device that was offline exactly once, and counts as unread for a callee who
// missed it but not for those who took part or declined. Missed (ring timeout), declined,
// answered.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/calls_fixture.h"

namespace mqchat::test {
namespace {

using protocol::Op;

// A ring timeout of one second, so a missed call ends within the test.
class CallLogTest : public CallsTest {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"call_ring_timeout_s", "1"}};
  }

  // The live entry of call `id` on `c`: the next message event of the conversation, which must
  // be it.
  json LiveEntry(ChatTestClient& c, const std::string& id) {
    auto events = c.WaitMessages(conv_, 1, std::chrono::seconds(10));
    EXPECT_EQ(events.size(), 1u) << c.user() << " got no call entry";
    if (events.empty()) return json();
    const json& e = events[0];
    EXPECT_EQ(e.value("kind", ""), "call") << e.dump();
    EXPECT_EQ(e.value("sender", ""), "alice") << e.dump();
    EXPECT_EQ(e.value("text", "x"), "") << e.dump();
    EXPECT_EQ(e["call"].value("call_id", ""), id) << e.dump();
    return e;
  }
  // `c`'s summary of the conversation (conversations).
  json Summary(ChatTestClient& c) {
    auto list = c.Request(Op::kConversations, 0, json::object());
    EXPECT_TRUE(list.ok()) << list.Describe();
    if (!list.ok()) return json();
    for (const json& s : (*list.body)["conversations"]) {
      if (JsonId(s["conversation_id"]) == conv_) return s;
    }
    ADD_FAILURE() << "conversation " << conv_ << " not listed for " << c.user();
    return json();
  }
  // The entries of call `id` among `messages`.
  static std::vector<json> EntriesOf(const json& messages, const std::string& id) {
    std::vector<json> out;
    for (const json& m : messages) {
      if (m.value("kind", "") == "call" && m["call"].value("call_id", "") == id) out.push_back(m);
    }
    return out;
  }
  std::vector<json> History(ChatTestClient& c, const std::string& id) {
    auto page = c.Request(Op::kHistory, conv_, {{"after_seq", 0}});
    EXPECT_TRUE(page.ok()) << page.Describe();
    return page.ok() ? EntriesOf((*page.body)["messages"], id) : std::vector<json>{};
  }
  std::vector<json> Sync(ChatTestClient& c, const std::string& id) {
    auto sync = c.Request(Op::kSync, 0, {{"cursors", json::object()}, {"limit", 100}});
    EXPECT_TRUE(sync.ok()) << sync.Describe();
    if (!sync.ok()) return {};
    for (const json& conv : (*sync.body)["conversations"]) {
      if (JsonId(conv["conversation_id"]) == conv_) return EntriesOf(conv["messages"], id);
    }
    return {};
  }
};

TEST_P(CallLogTest, MissedCallIsAnEntryUnreadForTheCallee) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  auto invite = Call(*alice_, CallOp::kInvite, conv_);
  ASSERT_TRUE(invite.ok()) << invite.Describe();
  const std::string id = CallId(invite);
  auto ended = WaitCall(*alice_, "ended", id, std::chrono::seconds(10));
  ASSERT_TRUE(ended) << "the ring did not time out";
  EXPECT_EQ((*ended)["reason"], "missed");
  // Every device of both members gets the entry (the caller's own device too: nobody sent it).
  json entry = LiveEntry(*alice_, id);
  for (ChatTestClient* bob : {bob_phone_.get(), bob_desk_.get()}) {
    json e = LiveEntry(*bob, id);
    EXPECT_EQ(e.value("seq", 0), entry.value("seq", -1));
  }
  ASSERT_TRUE(entry.is_object());
  EXPECT_EQ(entry["call"]["outcome"], "missed");
  EXPECT_EQ(entry["call"]["duration_ms"], 0);
  EXPECT_EQ(entry["call"]["participants"], json({"alice"}));
  EXPECT_EQ(entry["seq"], 1);  // the conversation's first entry
  // Unread for bob, who missed it; not for alice, who made it.
  json bob = Summary(*bob_phone_);
  EXPECT_EQ(bob.value("unread", -1), 1) << bob.dump();
  EXPECT_EQ(bob.value("last_seq", -1), 1) << bob.dump();
  json alice = Summary(*alice_);
  EXPECT_EQ(alice.value("unread", -1), 0) << alice.dump();
  EXPECT_EQ(alice.value("read_seq", -1), 1) << alice.dump();
  // In history, once.
  auto history = History(*bob_desk_, id);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["call"]["outcome"], "missed");
  // bob reads it: no longer unread.
  ASSERT_TRUE(bob_phone_->Request(Op::kRead, conv_, {{"seq", 1}}).ok());
  EXPECT_EQ(Summary(*bob_desk_).value("unread", -1), 0);
}

TEST_P(CallLogTest, DeclinedCallIsAnEntry) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  const std::string id = Ring();
  ASSERT_TRUE(CallWith(*bob_desk_, CallOp::kDecline, conv_, id).ok());
  ASSERT_TRUE(WaitCall(*alice_, "ended", id));
  json entry = LiveEntry(*bob_phone_, id);
  ASSERT_TRUE(entry.is_object());
  EXPECT_EQ(entry["call"]["outcome"], "declined");
  EXPECT_EQ(entry["call"]["duration_ms"], 0);
  EXPECT_EQ(entry["call"]["video"], true);
  EXPECT_EQ(entry["call"]["participants"], json({"alice"}));
  EXPECT_EQ(entry["call"]["declined"], json({"bob"}));
  EXPECT_EQ(LiveEntry(*alice_, id).value("seq", 0), entry.value("seq", -1));
  EXPECT_EQ(History(*alice_, id).size(), 1u);
  // bob declined it: he saw it, so it is not unread for him.
  EXPECT_EQ(Summary(*bob_phone_).value("unread", -1), 0);
}

TEST_P(CallLogTest, AnsweredCallRecordsItsDurationAndIsReadByThoseInIt) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();
  // A message before the call: the entry takes the next seq after it.
  ASSERT_TRUE(bob_phone_->Send(conv_, "call me", "before-call").ok());
  ASSERT_EQ(alice_->WaitMessages(conv_, 1).size(), 1u);
  bob_desk_->WaitMessages(conv_, 1);
  const std::string id = Ring();
  Answer(id);
  ASSERT_TRUE(CallWith(*alice_, CallOp::kHangup, conv_, id).ok());
  auto ended = WaitCall(*alice_, "ended", id);
  ASSERT_TRUE(ended);
  EXPECT_EQ((*ended)["reason"], "completed");
  json entry = LiveEntry(*bob_desk_, id);
  ASSERT_TRUE(entry.is_object());
  EXPECT_EQ(entry["seq"], 2);
  EXPECT_EQ(entry["call"]["outcome"], "answered");
  EXPECT_EQ(entry["call"]["duration_ms"], (*ended)["duration_ms"]);  // the one the call measured
  EXPECT_GE(entry["call"]["duration_ms"].get<int64_t>(), 0);
  EXPECT_EQ(entry["call"]["participants"], json({"alice", "bob"}));
  // Both took part: neither has it unread. The entry is the caller's, so like a send of hers
  // it moves her read_seq up to it, past bob's message too.
  LiveEntry(*alice_, id);
  EXPECT_EQ(Summary(*bob_phone_).value("unread", -1), 0);
  json alice = Summary(*alice_);
  EXPECT_EQ(alice.value("read_seq", -1), 2) << alice.dump();
  EXPECT_EQ(alice.value("unread", -1), 0) << alice.dump();
}

TEST_P(CallLogTest, OfflineDeviceSyncsTheEntryExactlyOnce) {
  MQCHAT_REQUIRE_SERVER();
  SetUpDirect();  // bob's tablet is offline for both calls
  const std::string id = Ring();
  ASSERT_TRUE(CallWith(*bob_phone_, CallOp::kDecline, conv_, id).ok());
  ASSERT_EQ(LiveEntry(*alice_, id).value("seq", 0), 1);
  // A second call, missed: two entries, each once.
  auto invite = Call(*alice_, CallOp::kInvite, conv_);
  ASSERT_TRUE(invite.ok()) << invite.Describe();
  const std::string missed = CallId(invite);
  ASSERT_TRUE(WaitCall(*alice_, "ended", missed, std::chrono::seconds(10)));
  ASSERT_EQ(LiveEntry(*alice_, missed).value("seq", 0), 2);
  auto tablet = Login("bob", "tablet");
  auto first = Sync(*tablet, id);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]["call"]["outcome"], "declined");
  EXPECT_EQ(first[0]["seq"], 1);
  auto second = Sync(*tablet, missed);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0]["call"]["outcome"], "missed");
  // bob answered the first by declining it (he saw it): only the missed one is unread.
  EXPECT_EQ(Summary(*tablet).value("unread", -1), 1);
}

MQCHAT_INSTANTIATE_FOR_STORES(CallLogTest);

}  // namespace
}  // namespace mqchat::test
