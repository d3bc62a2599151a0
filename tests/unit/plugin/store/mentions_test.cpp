// Mentions in the store's pure halves (store/mentions.h, store/append_plan.h,
// store/push_job_plan.h): the column's spelling, AppendPlan's refusal of a mentioned
// non-member (naming them; nothing numbered), and the push draft's mention flag.
#include "store/mentions.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/append_plan.h"
#include "store/push_job_plan.h"

namespace mqchat::store {
namespace {

AppendRequest Req(const std::string& id, std::vector<std::string> mentions,
                  std::vector<std::string> push_recipients = {}) {
  AppendRequest r;
  r.conversation_id = 4;
  r.sender = "alice";
  r.client_msg_id = id;
  r.text = "text of " + id;
  r.message_id = 1;
  r.created_at_ms = 100;
  r.mentions = std::move(mentions);
  r.push_recipients = std::move(push_recipients);
  return r;
}

TEST(MentionColumnTest, JoinAndSplitRoundTrip) {
  EXPECT_EQ(JoinMentions({}), "");
  EXPECT_EQ(JoinMentions({"bob", "carol.x"}), "bob carol.x");
  EXPECT_EQ(SplitMentions(""), std::vector<std::string>{});
  EXPECT_EQ(SplitMentions("bob carol.x"), (std::vector<std::string>{"bob", "carol.x"}));
  EXPECT_EQ(SplitMentions(" bob  carol "), (std::vector<std::string>{"bob", "carol"}));
}

// Marks every (conversation, user) of the plan a member except `outsider`.
void DecideWithMembers(AppendPlan& plan, const std::string& outsider) {
  plan.SetLastSeq(4, 10);
  for (size_t k = 0; k < plan.keys().size(); ++k) plan.SetLookup(k, true, std::nullopt);
  for (size_t m = 0; m < plan.mentions().size(); ++m) {
    plan.SetMentionMember(m, plan.mentions()[m].username != outsider);
  }
  ASSERT_TRUE(plan.Decide().ok());
}

TEST(AppendPlanMentionsTest, AMentionedNonMemberRefusesThatRequestOnly) {
  const std::vector<AppendRequest> batch = {Req("a", {"bob"}), Req("b", {"bob", "dave"}),
                                            Req("c", {"dave", "bob"}), Req("d", {})};
  AppendPlan plan(batch);
  ASSERT_EQ(plan.mentions().size(), 2u) << "each (conversation, user) looked up once";
  DecideWithMembers(plan, "dave");
  const auto& results = plan.results();
  EXPECT_EQ(results[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ(results[0].message.seq, 11);
  EXPECT_EQ(results[0].message.mentions, std::vector<std::string>{"bob"});
  for (size_t i : {1, 2}) {
    EXPECT_EQ(results[i].outcome, AppendOutcome::kRefused) << i;
    EXPECT_EQ(results[i].refusal, EventRefusal::kMentionNotMember) << i;
    EXPECT_EQ(results[i].refused_user, "dave") << i;
  }
  EXPECT_EQ(results[3].outcome, AppendOutcome::kStored);
  EXPECT_EQ(results[3].message.seq, 12) << "refused requests take no seq";
}

TEST(AppendPlanMentionsTest, AnEditsMentionsAreCheckedAndCarried) {
  std::vector<AppendRequest> batch = {Req("m", {}), Req("e", {"carol"})};
  batch[1].kind = EventKind::kEdit;
  batch[1].target_seq = 11;  // the message stored just before it in this batch
  AppendPlan plan(batch);
  DecideWithMembers(plan, "dave");
  ASSERT_EQ(plan.results()[1].outcome, AppendOutcome::kStored);
  EXPECT_EQ(plan.results()[1].message.mentions, std::vector<std::string>{"carol"});

  std::vector<AppendRequest> refused = {Req("m", {}), Req("e", {"dave"})};
  refused[1].kind = EventKind::kEdit;
  refused[1].target_seq = 11;
  AppendPlan plan2(refused);
  DecideWithMembers(plan2, "dave");
  EXPECT_EQ(plan2.results()[1].refusal, EventRefusal::kMentionNotMember);
}

TEST(PushDraftMentionTest, ADraftIsAMentionIfAnyOfItsMessagesMentionsItsUser) {
  const std::vector<AppendRequest> batch = {Req("a", {}, {"bob", "carol"}),
                                            Req("b", {"carol"}, {"bob", "carol"})};
  AppendPlan plan(batch);
  DecideWithMembers(plan, "");
  const PushJobWrites writes = PlanPushJobWrites(batch, plan);
  ASSERT_EQ(writes.drafts.size(), 2u);
  EXPECT_EQ(writes.drafts[0].username, "bob");
  EXPECT_FALSE(writes.drafts[0].mention);
  EXPECT_EQ(writes.drafts[1].username, "carol");
  EXPECT_TRUE(writes.drafts[1].mention);
  EXPECT_EQ(writes.drafts[1].count, 2);
}

}  // namespace
}  // namespace mqchat::store
