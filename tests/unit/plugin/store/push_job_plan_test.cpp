// CollapsePushJobs, PlanPushJobWrites and PreviewOf (store/push_job_plan.h): one job draft per
// recipient and conversation, however many messages a batch holds.
#include "store/push_job_plan.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mqchat::store {
namespace {

StoredMessage Msg(ConversationId conv, int64_t seq, const std::string& sender,
                  const std::string& text) {
  StoredMessage m;
  m.conversation_id = conv;
  m.seq = seq;
  m.sender = sender;
  m.text = text;
  return m;
}

TEST(CollapsePushJobsTest, OneDraftPerRecipientAndConversation) {
  const std::vector<StoredMessage> msgs = {Msg(1, 5, "alice", "one"), Msg(1, 6, "bob", "two"),
                                           Msg(2, 1, "alice", "other"),
                                           Msg(1, 7, "alice", "three")};
  const std::vector<std::string> to_carol = {"carol"};
  const std::vector<std::string> to_all = {"alice", "bob", "carol"};
  const std::vector<NewMessage> input = {
      {&msgs[0], &to_carol}, {&msgs[1], &to_all}, {&msgs[2], &to_carol}, {&msgs[3], &to_all}};
  const std::vector<PushJobDraft> drafts = CollapsePushJobs(input);
  // Ordered by (username, conversation); senders never get their own messages.
  ASSERT_EQ(drafts.size(), 4u);
  EXPECT_EQ(drafts[0].username, "alice");
  EXPECT_EQ(drafts[0].conversation_id, 1);
  EXPECT_EQ(drafts[0].count, 1);  // bob's "two" only
  EXPECT_EQ(drafts[0].first_seq, 6);
  EXPECT_EQ(drafts[0].sender, "bob");
  EXPECT_EQ(drafts[1].username, "bob");
  EXPECT_EQ(drafts[1].count, 1);  // alice's "three"
  EXPECT_EQ(drafts[1].first_seq, 7);
  const PushJobDraft& carol = drafts[2];
  EXPECT_EQ(carol.username, "carol");
  EXPECT_EQ(carol.conversation_id, 1);
  EXPECT_EQ(carol.count, 3);
  EXPECT_EQ(carol.first_seq, 5);
  EXPECT_EQ(carol.last_seq, 7);
  EXPECT_EQ(carol.sender, "alice");
  EXPECT_EQ(carol.preview_text, "three");
  EXPECT_EQ(drafts[3].username, "carol");
  EXPECT_EQ(drafts[3].conversation_id, 2);
  EXPECT_EQ(drafts[3].count, 1);
  EXPECT_EQ(drafts[3].preview_text, "other");
}

TEST(CollapsePushJobsTest, ABurstOfTwentyIsOneDraft) {
  std::vector<StoredMessage> msgs;
  for (int i = 1; i <= 20; ++i) msgs.push_back(Msg(3, i, "alice", "m" + std::to_string(i)));
  const std::vector<std::string> to = {"carol"};
  std::vector<NewMessage> input;
  for (const auto& m : msgs) input.push_back({&m, &to});
  const auto drafts = CollapsePushJobs(input);
  ASSERT_EQ(drafts.size(), 1u);
  EXPECT_EQ(drafts[0].count, 20);
  EXPECT_EQ(drafts[0].first_seq, 1);
  EXPECT_EQ(drafts[0].last_seq, 20);
  EXPECT_EQ(drafts[0].preview_text, "m20");
  EXPECT_TRUE(CollapsePushJobs({}).empty());
}

AppendRequest Req(const std::string& client_msg_id, int64_t created_at_ms,
                  std::vector<std::string> push_recipients) {
  AppendRequest r;
  r.conversation_id = 4;
  r.sender = "alice";
  r.client_msg_id = client_msg_id;
  r.text = "text of " + client_msg_id;
  r.message_id = created_at_ms;
  r.created_at_ms = created_at_ms;
  r.push_recipients = std::move(push_recipients);
  return r;
}

TEST(PlanPushJobWritesTest, OnlyNewMessagesWithRecipientsAtTheNewestMessagesTime) {
  // "old" is already stored (a resend): it makes no job though it names a recipient; "quiet"
  // is new but names none. The jobs' time is the newest new message's, whoever it notifies.
  const std::vector<AppendRequest> batch = {Req("old", 100, {"bob"}), Req("a", 200, {"bob"}),
                                            Req("b", 300, {"bob", "carol"}),
                                            Req("quiet", 400, {})};
  AppendPlan plan(batch);
  plan.SetLastSeq(4, 10);
  for (size_t k = 0; k < plan.keys().size(); ++k) {
    std::optional<StoredMessage> existing;
    if (plan.keys()[k].client_msg_id == "old") {
      existing = StoredMessage();
      existing->seq = 3;
    }
    plan.SetLookup(k, true, std::move(existing));
  }
  ASSERT_TRUE(plan.Decide().ok());

  const PushJobWrites writes = PlanPushJobWrites(batch, plan);
  EXPECT_EQ(writes.now_ms, 400);
  ASSERT_EQ(writes.drafts.size(), 2u);
  EXPECT_EQ(writes.drafts[0].username, "bob");
  EXPECT_EQ(writes.drafts[0].count, 2);
  EXPECT_EQ(writes.drafts[0].first_seq, 11);
  EXPECT_EQ(writes.drafts[0].last_seq, 12);
  EXPECT_EQ(writes.drafts[0].preview_text, "text of b");
  EXPECT_EQ(writes.drafts[1].username, "carol");
  EXPECT_EQ(writes.drafts[1].count, 1);
  EXPECT_EQ(writes.drafts[1].first_seq, 12);
}

// The jobs' due time and cap: the largest of the new messages with recipients (a resend's and a
// message without recipients count for nothing); a message without push_due_ms is due at its
// created_at_ms; the cap is never below the due time.
TEST(PlanPushJobWritesTest, DueTimeAndCapAreTheLargestOfTheNewMessagesWithRecipients) {
  std::vector<AppendRequest> batch = {Req("old", 100, {"bob"}), Req("a", 200, {"bob"}),
                                      Req("b", 300, {"bob"}), Req("quiet", 400, {})};
  batch[0].push_due_ms = 9000;  // a resend: stores nothing
  batch[0].push_due_cap_ms = 9000;
  batch[1].push_due_ms = 1200;
  batch[1].push_due_cap_ms = 5200;
  batch[2].push_due_ms = 1300;
  batch[2].push_due_cap_ms = 5300;
  batch[3].push_due_ms = 8000;  // no recipients
  batch[3].push_due_cap_ms = 8000;
  AppendPlan plan(batch);
  plan.SetLastSeq(4, 10);
  for (size_t k = 0; k < plan.keys().size(); ++k) {
    std::optional<StoredMessage> existing;
    if (plan.keys()[k].client_msg_id == "old") existing = StoredMessage();
    plan.SetLookup(k, true, std::move(existing));
  }
  ASSERT_TRUE(plan.Decide().ok());
  PushJobWrites writes = PlanPushJobWrites(batch, plan);
  EXPECT_EQ(writes.due_ms, 1300);
  EXPECT_EQ(writes.due_cap_ms, 5300);

  batch[1].push_due_ms = batch[2].push_due_ms = 0;  // no coalescing: due at the message
  batch[1].push_due_cap_ms = batch[2].push_due_cap_ms = 0;
  writes = PlanPushJobWrites(batch, plan);
  EXPECT_EQ(writes.due_ms, 300);
  EXPECT_EQ(writes.due_cap_ms, 300);
}

TEST(PlanPushJobWritesTest, NoDraftsWithoutRecipients) {
  const std::vector<AppendRequest> batch = {Req("a", 200, {})};
  AppendPlan plan(batch);
  plan.SetLastSeq(4, 0);
  plan.SetLookup(0, true, std::nullopt);
  ASSERT_TRUE(plan.Decide().ok());
  EXPECT_TRUE(PlanPushJobWrites(batch, plan).drafts.empty());
}

TEST(PreviewOfTest, CutsAtCodePointsNotBytes) {
  EXPECT_EQ(PreviewOf("short"), "short");
  std::string exact;
  for (size_t i = 0; i < kMaxPreviewChars; ++i) exact += "\xC3\xA9";  // é, 2 bytes each
  EXPECT_EQ(PreviewOf(exact), exact);
  const std::string longer = exact + "\xF0\x9F\x98\x80 tail";  // an emoji (4 bytes) beyond
  EXPECT_EQ(PreviewOf(longer), exact + "\xE2\x80\xA6");
}

}  // namespace
}  // namespace mqchat::store
