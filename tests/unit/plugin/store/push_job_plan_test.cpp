// CollapsePushJobs and PreviewOf (store/push_job_plan.h): one job draft per recipient and
// conversation, however many messages a batch holds.
#include "store/push_job_plan.h"

#include <gtest/gtest.h>

#include <string>
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
