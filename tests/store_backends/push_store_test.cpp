// PushStore contract and the push jobs ChatStore::AppendBatch records, run against SQLite and
// PostgreSQL alike (ChatBackendTest): targets, settings, mutes, job collapse, claiming with
// leases, retries, finishing (and re-basing when more messages arrived meanwhile).
#include "store/push_store.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "store/chat_store.h"
#include "store/store_factory.h"
#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using test::ChatBackendTest;

constexpr int64_t kT0 = 1'700'000'000'000;

class PushStoreTest : public ChatBackendTest {
 protected:
  void SetUp() override {
    ChatBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    OpenInto(push_, OpenPushStore(config_));
    AddUsers({"alice", "bob", "carol", "dave"}, kT0);
    AddGroup(101, "alice", "team", {"bob", "carol"}, 100, kT0);
    AddGroup(202, "alice", "other", {"carol"}, 100, kT0);
  }

  PushStorePtr OpenPush() {
    auto push = OpenPushStore(config_);
    EXPECT_TRUE(push.ok()) << push.status().ToString();
    return push.ok() ? std::move(push).value() : nullptr;
  }

  void Target(const std::string& user, const std::string& device, const std::string& token) {
    ASSERT_TRUE(push_->RegisterTarget({user, device, "fcm", token, kT0}).ok());
  }

  // A message from `sender` in `conv`, to be pushed to `recipients`.
  AppendRequest Msg(ConversationId conv, const std::string& sender, const std::string& text,
                    std::vector<std::string> recipients) {
    AppendRequest req;
    req.conversation_id = conv;
    req.sender = sender;
    req.client_msg_id = "c" + std::to_string(++next_id_);
    req.text = text;
    req.message_id = next_id_;
    req.created_at_ms = kT0 + next_id_;
    req.push_recipients = std::move(recipients);
    return req;
  }

  void Append(const std::vector<AppendRequest>& batch) {
    auto results = chat_->AppendBatch(batch);
    ASSERT_TRUE(results.ok()) << results.status().ToString();
  }

  std::vector<PushJob> Jobs(const std::string& user) {
    auto jobs = push_->ListJobs(user);
    EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
    return jobs.ok() ? *jobs : std::vector<PushJob>{};
  }

  std::vector<PushJob> Claim(int64_t now, int limit = 10, int64_t lease = 30000) {
    auto jobs = push_->ClaimDueJobs(now, limit, now + lease);
    EXPECT_TRUE(jobs.ok()) << jobs.status().ToString();
    return jobs.ok() ? *jobs : std::vector<PushJob>{};
  }

  PushStorePtr push_;
  int64_t next_id_ = 0;
};

TEST_P(PushStoreTest, JobsAreRecordedWithTheMessageForRecipientsWithATarget) {
  Target("carol", "phone", "tok-carol");
  Append({Msg(101, "alice", "hello", {"bob", "carol"})});
  EXPECT_TRUE(Jobs("bob").empty()) << "bob has no push target";
  const auto jobs = Jobs("carol");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].conversation_id, 101);
  EXPECT_EQ(jobs[0].first_seq, 1);
  EXPECT_EQ(jobs[0].last_seq, 1);
  EXPECT_EQ(jobs[0].count, 1);
  EXPECT_EQ(jobs[0].sender, "alice");
  EXPECT_EQ(jobs[0].preview_text, std::optional<std::string>("hello"));
  EXPECT_EQ(jobs[0].state, PushJobState::kPending);
  EXPECT_EQ(jobs[0].attempts, 0);
  EXPECT_EQ(jobs[0].next_attempt_ms, jobs[0].created_at_ms);
}

TEST_P(PushStoreTest, ABurstCollapsesIntoThePendingJob) {
  Target("carol", "phone", "tok-carol");
  std::vector<AppendRequest> batch;
  for (int i = 0; i < 5; ++i)
    batch.push_back(Msg(101, "alice", "m" + std::to_string(i), {"carol"}));
  Append(batch);
  Append({Msg(101, "bob", "m5", {"carol"})});
  Append({Msg(101, "alice", "m6", {"carol"}), Msg(202, "alice", "elsewhere", {"carol"})});
  const auto jobs = Jobs("carol");
  ASSERT_EQ(jobs.size(), 2u) << "one pending job per conversation";
  EXPECT_EQ(jobs[0].conversation_id, 101);
  EXPECT_EQ(jobs[0].count, 7);
  EXPECT_EQ(jobs[0].first_seq, 1);
  EXPECT_EQ(jobs[0].last_seq, 7);
  EXPECT_EQ(jobs[0].sender, "alice");
  EXPECT_EQ(jobs[0].preview_text, std::optional<std::string>("m6"));
  EXPECT_EQ(jobs[1].conversation_id, 202);
  EXPECT_EQ(jobs[1].count, 1);
}

TEST_P(PushStoreTest, DuplicatesAndRefusedSendsRecordNothing) {
  Target("carol", "phone", "tok-carol");
  AppendRequest first = Msg(101, "alice", "once", {"carol"});
  Append({first});
  Append({first});  // the same client_msg_id again: a duplicate
  Append({Msg(101, "dave", "not a member", {"carol"})});
  const auto jobs = Jobs("carol");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].count, 1);
}

TEST_P(PushStoreTest, RecipientsWhoAreNoLongerMembersGetNoJob) {
  // Recipients come from a membership cache that may predate a removal (made through another
  // broker): the transaction's own view of the members decides.
  Target("carol", "phone", "tok-carol");
  Target("dave", "phone", "tok-dave");
  ASSERT_TRUE(chat_->RemoveMember(101, "alice", "carol").ok());
  Append({Msg(101, "alice", "after the removal", {"bob", "carol", "dave"})});
  EXPECT_TRUE(Jobs("carol").empty()) << "carol was removed";
  EXPECT_TRUE(Jobs("dave").empty()) << "dave was never a member";
  Append({Msg(202, "alice", "still in this one", {"carol"})});
  ASSERT_EQ(Jobs("carol").size(), 1u);
  EXPECT_EQ(Jobs("carol")[0].conversation_id, 202);
}

TEST_P(PushStoreTest, MutesSuppressJobsUntilTheyEnd) {
  Target("carol", "phone", "tok-carol");
  ASSERT_TRUE(push_->SetMute(101, "carol", kMutedForever).ok());
  Append({Msg(101, "alice", "muted", {"carol"})});
  EXPECT_TRUE(Jobs("carol").empty());
  auto muted = push_->IsMuted(101, "carol", kT0);
  ASSERT_TRUE(muted.ok());
  EXPECT_TRUE(*muted);

  ASSERT_TRUE(push_->SetMute(101, "carol", kT0 + 1'000'000).ok());  // until a later time
  Append({Msg(101, "alice", "still muted", {"carol"})});
  EXPECT_TRUE(Jobs("carol").empty());
  EXPECT_FALSE(*push_->IsMuted(101, "carol", kT0 + 1'000'000));

  ASSERT_TRUE(push_->SetMute(101, "carol", kT0 - 1).ok());  // already over
  Append({Msg(101, "alice", "after", {"carol"})});
  EXPECT_EQ(Jobs("carol").size(), 1u);

  ASSERT_TRUE(push_->SetMute(202, "carol", kMutedForever).ok());
  ASSERT_TRUE(push_->SetMute(202, "carol", 0).ok());  // unmute
  EXPECT_FALSE(*push_->IsMuted(202, "carol", kT0));
  Append({Msg(202, "alice", "unmuted", {"carol"})});
  EXPECT_EQ(Jobs("carol").size(), 2u);
}

// The `conversations` list carries each caller's own mute, as SetMute stored it (0 when none).
TEST_P(PushStoreTest, ConversationListCarriesTheCallersMute) {
  ASSERT_TRUE(push_->SetMute(101, "carol", kMutedForever).ok());
  ASSERT_TRUE(push_->SetMute(202, "carol", kT0 + 5).ok());
  auto mutes = [&](const std::string& user) {
    std::map<int64_t, int64_t> out;
    auto list = chat_->ListConversations(user);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    if (list.ok()) {
      for (const auto& s : *list) out[s.id] = s.muted_until_ms;
    }
    return out;
  };
  EXPECT_EQ(mutes("carol"), (std::map<int64_t, int64_t>{{101, kMutedForever}, {202, kT0 + 5}}));
  EXPECT_EQ(mutes("alice"), (std::map<int64_t, int64_t>{{101, 0}, {202, 0}})) << "carol's only";
  ASSERT_TRUE(push_->SetMute(101, "carol", 0).ok());
  EXPECT_EQ(mutes("carol")[101], 0);
}

TEST_P(PushStoreTest, PreviewIsStoredOnlyIfTheUserAllowsIt) {
  Target("carol", "phone", "tok-carol");
  Target("bob", "phone", "tok-bob");
  ASSERT_TRUE(push_->SetPreview("carol", false, kT0).ok());
  ASSERT_TRUE(push_->SetPreview("bob", false, kT0).ok());
  ASSERT_TRUE(push_->SetPreview("bob", true, kT0).ok());
  Append({Msg(101, "alice", "secret", {"bob", "carol"})});
  ASSERT_EQ(Jobs("carol").size(), 1u);
  EXPECT_FALSE(Jobs("carol")[0].preview_text.has_value());
  ASSERT_EQ(Jobs("bob").size(), 1u);
  EXPECT_EQ(Jobs("bob")[0].preview_text, std::optional<std::string>("secret"));
}

TEST_P(PushStoreTest, RegisteringReplacesTheDevicesTargetAndMovesTheToken) {
  Target("carol", "phone", "tok-1");
  Target("carol", "phone", "tok-2");  // re-register: replaces
  Target("carol", "tablet", "tok-3");
  auto targets = push_->TargetsOf("carol");
  ASSERT_TRUE(targets.ok());
  ASSERT_EQ(targets->size(), 2u);
  EXPECT_EQ((*targets)[0].device_id, "phone");
  EXPECT_EQ((*targets)[0].token, "tok-2");
  EXPECT_EQ((*targets)[0].platform, "fcm");

  Target("bob", "phone", "tok-2");  // the token moved to bob's device
  EXPECT_EQ(push_->TargetsOf("carol")->size(), 1u);
  EXPECT_EQ(push_->TargetsOf("bob")->size(), 1u);

  EXPECT_TRUE(*push_->UnregisterTarget("carol", "tablet"));
  EXPECT_FALSE(*push_->UnregisterTarget("carol", "tablet"));
  EXPECT_TRUE(push_->TargetsOf("carol")->empty());

  ASSERT_TRUE(push_->RemoveTokens("bob", {"tok-2", "unknown"}).ok());
  EXPECT_TRUE(push_->TargetsOf("bob")->empty());
  Append({Msg(101, "alice", "nobody to push", {"bob", "carol"})});
  EXPECT_TRUE(Jobs("bob").empty());
  EXPECT_TRUE(Jobs("carol").empty());
}

TEST_P(PushStoreTest, ClaimingLeasesJobsToOneWorker) {
  Target("carol", "phone", "tok-carol");
  Target("bob", "phone", "tok-bob");
  Append({Msg(101, "alice", "hi", {"bob", "carol"})});
  const int64_t now = kT0 + 10'000;
  auto next = push_->NextDueMs();
  ASSERT_TRUE(next.ok());
  ASSERT_TRUE(next->has_value());
  EXPECT_LE(**next, now);

  PushStorePtr other = OpenPush();  // a second worker (another broker) on its own connection
  const auto mine = Claim(now, 1);
  ASSERT_EQ(mine.size(), 1u);
  auto theirs = other->ClaimDueJobs(now, 10, now + 30000);
  ASSERT_TRUE(theirs.ok());
  ASSERT_EQ(theirs->size(), 1u) << "the other job only";
  EXPECT_NE((*theirs)[0].job_id, mine[0].job_id);
  EXPECT_TRUE(Claim(now).empty()) << "both leased";
  EXPECT_EQ(**push_->NextDueMs(), now + 30000);
  EXPECT_EQ(Claim(now + 30000).size(), 2u) << "leases ended: due again";
}

TEST_P(PushStoreTest, FinishingEndsTheJobAndNewMessagesStartANewOne) {
  Target("carol", "phone", "tok-carol");
  Append({Msg(101, "alice", "one", {"carol"})});
  const auto claimed = Claim(kT0 + 10'000);
  ASSERT_EQ(claimed.size(), 1u);
  auto finished = push_->FinishJob(claimed[0], PushJobState::kDelivered, "", kT0 + 10'001);
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  EXPECT_TRUE(*finished);
  EXPECT_EQ(Jobs("carol")[0].state, PushJobState::kDelivered);
  EXPECT_FALSE(push_->NextDueMs()->has_value());

  Append({Msg(101, "alice", "two", {"carol"})});
  const auto jobs = Jobs("carol");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[1].state, PushJobState::kPending);
  EXPECT_EQ(jobs[1].first_seq, 2);
  EXPECT_EQ(jobs[1].count, 1);
}

TEST_P(PushStoreTest, FinishingAJobThatGrewMeanwhileKeepsTheNewMessagesPending) {
  Target("carol", "phone", "tok-carol");
  Append({Msg(101, "alice", "one", {"carol"})});
  const auto claimed = Claim(kT0 + 10'000);
  ASSERT_EQ(claimed.size(), 1u);
  // While the worker delivers "one", two more messages fold into the job.
  Append({Msg(101, "alice", "two", {"carol"}), Msg(101, "bob", "three", {"carol"})});
  auto finished = push_->FinishJob(claimed[0], PushJobState::kDelivered, "", kT0 + 10'001);
  ASSERT_TRUE(finished.ok()) << finished.status().ToString();
  EXPECT_FALSE(*finished);
  auto jobs = Jobs("carol");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].state, PushJobState::kPending);
  EXPECT_EQ(jobs[0].first_seq, 2);
  EXPECT_EQ(jobs[0].last_seq, 3);
  EXPECT_EQ(jobs[0].count, 2);
  EXPECT_EQ(jobs[0].next_attempt_ms, kT0 + 10'001) << "due at once";

  const auto again = Claim(kT0 + 10'001);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].preview_text, std::optional<std::string>("three"));
  EXPECT_TRUE(*push_->FinishJob(again[0], PushJobState::kDead, "gave up", kT0 + 10'002));
  jobs = Jobs("carol");
  EXPECT_EQ(jobs[0].state, PushJobState::kDead);
  EXPECT_EQ(jobs[0].last_error, "gave up");
}

TEST_P(PushStoreTest, RetriesWaitForTheirTime) {
  Target("carol", "phone", "tok-carol");
  Append({Msg(101, "alice", "one", {"carol"})});
  const auto claimed = Claim(kT0 + 10'000);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(push_->RetryJob(claimed[0].job_id, 1, kT0 + 11'000, "HTTP 503").ok());
  EXPECT_TRUE(Claim(kT0 + 10'999).empty());
  const auto retried = Claim(kT0 + 11'000);
  ASSERT_EQ(retried.size(), 1u);
  EXPECT_EQ(retried[0].attempts, 1);
  EXPECT_EQ(retried[0].last_error, "HTTP 503");
}

TEST_P(PushStoreTest, PurgeDropsOldFinishedJobsOnly) {
  Target("carol", "phone", "tok-carol");
  Append({Msg(101, "alice", "one", {"carol"}), Msg(202, "alice", "two", {"carol"})});
  const auto claimed = Claim(kT0 + 10'000);
  ASSERT_EQ(claimed.size(), 2u);
  ASSERT_TRUE(*push_->FinishJob(claimed[0], PushJobState::kDelivered, "", kT0 + 20'000));
  ASSERT_TRUE(*push_->FinishJob(claimed[1], PushJobState::kDead, "x", kT0 + 20'000));
  Append({Msg(101, "alice", "three", {"carol"})});  // pending: never purged
  auto purged = push_->PurgeFinished(kT0 + 20'001, kT0 + 20'000);
  ASSERT_TRUE(purged.ok()) << purged.status().ToString();
  EXPECT_EQ(*purged, 1);
  const auto jobs = Jobs("carol");
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].state, PushJobState::kDead);
  EXPECT_EQ(jobs[1].state, PushJobState::kPending);
}

// A message from alice to carol in conversation 101, recorded by a writer whose clock says
// `now`: due `now + 1000`, put off at most to `now + 5000` (push_coalesce_ms 1000,
// push_coalesce_max_ms 5000).
AppendRequest Coalesced(AppendRequest req, int64_t now) {
  req.push_due_ms = now + 1000;
  req.push_due_cap_ms = now + 5000;
  return req;
}

TEST_P(PushStoreTest, ANewJobWaitsTheCoalescingDelay) {
  Target("carol", "phone", "tok-carol");
  Append({Coalesced(Msg(101, "alice", "one", {"carol"}), kT0 + 100)});
  const auto jobs = Jobs("carol");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].next_attempt_ms, kT0 + 1100);
  EXPECT_TRUE(Claim(kT0 + 1099).empty()) << "not due before the delay ends";
  EXPECT_EQ(Claim(kT0 + 1100).size(), 1u);
}

// The debounce: each message folded in before the first delivery puts the job off to its own
// due time, up to the cap of the job's first message; a steady stream still notifies.
TEST_P(PushStoreTest, FoldingBeforeTheFirstDeliveryPutsTheJobOffUpToItsCap) {
  Target("carol", "phone", "tok-carol");
  Append({Coalesced(Msg(101, "alice", "1", {"carol"}), kT0)});
  Append({Coalesced(Msg(101, "alice", "2", {"carol"}), kT0 + 900)});
  EXPECT_EQ(Jobs("carol")[0].next_attempt_ms, kT0 + 1900);
  EXPECT_TRUE(Claim(kT0 + 1000).empty()) << "a message 100 ms before it was due put it off";
  Append({Coalesced(Msg(101, "alice", "3", {"carol"}), kT0 + 1800)});
  Append({Coalesced(Msg(101, "alice", "4", {"carol"}), kT0 + 1700)});  // a slower writer clock
  EXPECT_EQ(Jobs("carol")[0].next_attempt_ms, kT0 + 2800) << "never brought forward";
  Append({Coalesced(Msg(101, "alice", "5", {"carol"}), kT0 + 2700)});
  Append({Coalesced(Msg(101, "alice", "6", {"carol"}), kT0 + 4500)});
  EXPECT_EQ(Jobs("carol")[0].next_attempt_ms, kT0 + 5000) << "capped at the first + 5000";
  EXPECT_TRUE(Claim(kT0 + 4999).empty());
  const auto claimed = Claim(kT0 + 5000);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].count, 6);
  EXPECT_EQ(claimed[0].first_seq, 1);
  EXPECT_EQ(claimed[0].last_seq, 6);
}

// Once claimed, a job's due time is its lease: folding leaves it alone, and what was folded in
// meanwhile is due at once when the delivery ends (FinishJob), with no new debounce.
TEST_P(PushStoreTest, FoldingIntoAClaimedJobLeavesItsLeaseAlone) {
  Target("carol", "phone", "tok-carol");
  Append({Coalesced(Msg(101, "alice", "1", {"carol"}), kT0)});
  const auto claimed = Claim(kT0 + 1000, 10, 30'000);
  ASSERT_EQ(claimed.size(), 1u);
  Append({Coalesced(Msg(101, "alice", "2", {"carol"}), kT0 + 1100)});
  EXPECT_EQ(Jobs("carol")[0].next_attempt_ms, kT0 + 31'000) << "the lease";
  EXPECT_FALSE(*push_->FinishJob(claimed[0], PushJobState::kDelivered, "", kT0 + 1200));
  Append({Coalesced(Msg(101, "alice", "3", {"carol"}), kT0 + 1300)});
  const auto rest = Jobs("carol");
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].next_attempt_ms, kT0 + 1200) << "the rest goes at once";
  EXPECT_EQ(rest[0].count, 2);
  // A new job after the delivery debounces again.
  const auto again = Claim(kT0 + 1200);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(*push_->FinishJob(again[0], PushJobState::kDelivered, "", kT0 + 1300));
  Append({Coalesced(Msg(101, "alice", "4", {"carol"}), kT0 + 2000)});
  Append({Coalesced(Msg(101, "alice", "5", {"carol"}), kT0 + 2500)});
  EXPECT_EQ(Jobs("carol").back().next_attempt_ms, kT0 + 3500);
}

// Retries keep their backoff: a message folded into a job waiting for a retry does not move it.
TEST_P(PushStoreTest, FoldingIntoAJobAwaitingARetryKeepsItsTime) {
  Target("carol", "phone", "tok-carol");
  Append({Coalesced(Msg(101, "alice", "1", {"carol"}), kT0)});
  const auto claimed = Claim(kT0 + 1000);
  ASSERT_EQ(claimed.size(), 1u);
  ASSERT_TRUE(push_->RetryJob(claimed[0].job_id, 1, kT0 + 1500, "HTTP 503").ok());
  Append({Coalesced(Msg(101, "alice", "2", {"carol"}), kT0 + 1400)});
  EXPECT_EQ(Jobs("carol")[0].next_attempt_ms, kT0 + 1500);
}

TEST_P(PushStoreTest, UnreadTotalSumsUnmutedConversationsAfterTheReadPositions) {
  Append({Msg(101, "alice", "a1", {}), Msg(101, "alice", "a2", {}), Msg(202, "alice", "b1", {})});
  auto total = push_->UnreadTotal("carol", kT0);
  ASSERT_TRUE(total.ok()) << total.status().ToString();
  EXPECT_EQ(*total, 3);
  EXPECT_EQ(*push_->UnreadTotal("bob", kT0), 2) << "bob is not in conversation 202";
  EXPECT_EQ(*push_->UnreadTotal("alice", kT0), 0) << "sending marks read";
  ASSERT_TRUE(chat_->MarkRead(101, "carol", 1).ok());
  EXPECT_EQ(*push_->UnreadTotal("carol", kT0), 2);
  Append({Msg(101, "carol", "c1", {})});  // carol's own send reads up to it
  EXPECT_EQ(*push_->UnreadTotal("carol", kT0), 1);
  ASSERT_TRUE(push_->SetMute(202, "carol", kT0 + 1000).ok());
  EXPECT_EQ(*push_->UnreadTotal("carol", kT0), 0) << "muted conversations do not count";
  EXPECT_EQ(*push_->UnreadTotal("carol", kT0 + 1000), 1) << "the mute ended";
  EXPECT_EQ(*push_->UnreadTotal("dave", kT0), 0) << "no conversations";
}

TEST_P(PushStoreTest, ReadsRecordOneCountsOnlyJobForUsersWithAnotherDevicesTarget) {
  ASSERT_TRUE(push_->RecordCountsJob("carol", "phone", kT0, kT0 + 500, kT0 + 2000).ok());
  EXPECT_TRUE(Jobs("carol").empty()) << "no push target at all";
  Target("carol", "phone", "tok-phone");
  ASSERT_TRUE(push_->RecordCountsJob("carol", "phone", kT0, kT0 + 500, kT0 + 2000).ok());
  EXPECT_TRUE(Jobs("carol").empty()) << "only the reading device has a target";
  Target("carol", "tablet", "tok-tablet");
  ASSERT_TRUE(push_->RecordCountsJob("carol", "phone", kT0, kT0 + 500, kT0 + 2000).ok());
  ASSERT_TRUE(push_->RecordCountsJob("carol", "phone", kT0 + 100, kT0 + 600, kT0 + 2100).ok());
  auto jobs = Jobs("carol");
  ASSERT_EQ(jobs.size(), 1u) << "reads fold into one pending counts-only job";
  EXPECT_EQ(jobs[0].conversation_id, kCountsOnlyJob);
  EXPECT_EQ(jobs[0].count, 0);
  EXPECT_EQ(jobs[0].next_attempt_ms, kT0 + 600) << "a read put it off";
  ASSERT_TRUE(push_->RecordCountsJob("carol", "phone", kT0 + 1800, kT0 + 2300, kT0 + 3800).ok());
  EXPECT_EQ(Jobs("carol")[0].next_attempt_ms, kT0 + 2000) << "up to the first read's cap";
  EXPECT_TRUE(Claim(kT0 + 1999).empty());
  const auto claimed = Claim(kT0 + 2000);
  ASSERT_EQ(claimed.size(), 1u);
  // A read during the delivery: the job stays pending for the newer total, due at once.
  ASSERT_TRUE(push_->RecordCountsJob("carol", "phone", kT0 + 2100, kT0 + 2600, kT0 + 4100).ok());
  EXPECT_FALSE(*push_->FinishJob(claimed[0], PushJobState::kDelivered, "", kT0 + 2200));
  jobs = Jobs("carol");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].state, PushJobState::kPending);
  const auto again = Claim(kT0 + 2200);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_TRUE(*push_->FinishJob(again[0], PushJobState::kDelivered, "", kT0 + 2300));
  EXPECT_EQ(Jobs("carol")[0].state, PushJobState::kDelivered);
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(PushStoreTest);

}  // namespace
}  // namespace mqchat::store
