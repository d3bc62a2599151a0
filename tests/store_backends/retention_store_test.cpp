// Retention and the user-data walks (RetentionStore, UserDataStore; migration 015) on SQLite
// and PostgreSQL alike: ExpireBatch removes exactly the oldest entries created before the
// cutoff, at most a batch, stopping at the first newer one, with their reactions, and raises
// expired_through_seq (which ChatStore::ExpiredThroughSeq reports) in the same transaction; a
// batch raced by another sweeper removes nothing; only a group's owner or admin (or the
// operator) sets its retention, and its slow mode (migration 018); EraseSent leaves tombstones
// in place.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/chat_store.h"
#include "store/retention_store.h"
#include "store/store_factory.h"
#include "store/user_data_store.h"
#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using test::ChatBackendTest;

constexpr ConversationId kGroup = 1001;
constexpr ConversationId kDirect = 1002;

class RetentionStoreTest : public ChatBackendTest {
 protected:
  void SetUp() override {
    ChatBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    AddUsers({"alice", "bob", "carol"}, 1000);
    AddGroup(kGroup, "alice", "team", {"bob"}, 10, 1000);
    AddDirect(kDirect, "alice", "bob", 1000);
    OpenInto(retention_, OpenRetentionStore(config_));
  }

  // Appends one entry created at `at`; returns its seq.
  int64_t Append(ConversationId id, const std::string& sender, int64_t at,
                 EventKind kind = EventKind::kMessage, int64_t target = 0,
                 const std::string& text = "") {
    AppendRequest r;
    r.conversation_id = id;
    r.sender = sender;
    r.client_msg_id = "c" + std::to_string(++n_);
    r.text = text.empty() ? "text " + std::to_string(n_) : text;
    r.message_id = 500000 + n_;
    r.created_at_ms = at;
    r.kind = kind;
    r.target_seq = target;
    auto results = chat_->AppendBatch({r});
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    if (!results.ok()) return 0;
    EXPECT_EQ((*results)[0].outcome, AppendOutcome::kStored);
    return (*results)[0].message.seq;
  }
  std::vector<int64_t> Seqs(ConversationId id) {
    auto page = chat_->ReadHistory(id, 0, 0, 100);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    std::vector<int64_t> out;
    if (page.ok()) {
      for (const auto& m : *page) out.push_back(m.seq);
    }
    return out;
  }

  RetentionStorePtr retention_;
  int n_ = 0;
};

TEST_P(RetentionStoreTest, ExpireBatchRemovesTheOldestExpiredEntriesUpToTheFirstNewerOne) {
  for (int64_t at : {100, 110, 120, 130, 140, 300, 150, 160}) Append(kGroup, "alice", at);
  const int64_t reacted = 2;
  Append(kGroup, "bob", 170, EventKind::kReactionAdd, reacted, "👍");  // seq 9

  // At most a batch: seqs 1..3.
  auto first = retention_->ExpireBatch(kGroup, /*cutoff_ms=*/200, /*limit=*/3);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->from_seq, 0);
  EXPECT_EQ(first->through_seq, 3);
  EXPECT_EQ(first->removed, 3);
  EXPECT_EQ(Seqs(kGroup), (std::vector<int64_t>{4, 5, 6, 7, 8, 9}));
  auto marker = chat_->ExpiredThroughSeq(kGroup);
  ASSERT_TRUE(marker.ok()) << marker.status().ToString();
  EXPECT_EQ(*marker, 3);
  // Then up to seq 6 (created at 300, after the cutoff): 4 and 5 only, though 7, 8 are older.
  auto second = retention_->ExpireBatch(kGroup, 200, 100);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->from_seq, 3);
  EXPECT_EQ(second->through_seq, 5);
  EXPECT_EQ(second->removed, 2);
  auto nothing = retention_->ExpireBatch(kGroup, 200, 100);
  ASSERT_TRUE(nothing.ok());
  EXPECT_EQ(nothing->removed, 0);
  EXPECT_EQ(nothing->through_seq, 5);
  // The reaction of a removed message went with it: history shows none on what is left.
  auto views = chat_->ReadMessages(kGroup, "alice", 0, 0, 100);
  ASSERT_TRUE(views.ok()) << views.status().ToString();
  for (const auto& v : *views) EXPECT_TRUE(v.reactions.empty()) << v.message.seq;
  // Seqs continue after the gap; the other conversation is untouched.
  EXPECT_EQ(Append(kGroup, "alice", 400), 10);
  Append(kDirect, "alice", 100);
  EXPECT_EQ(Seqs(kDirect), (std::vector<int64_t>{1}));
  auto direct = chat_->ExpiredThroughSeq(kDirect);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(*direct, 0);
  EXPECT_EQ(retention_->ExpireBatch(kGroup + 99, 200, 10).status().code(), Code::kNotFound);
}

TEST_P(RetentionStoreTest, ABatchRacedByAnotherSweeperRemovesNothingTwice) {
  for (int64_t at : {100, 110, 120}) Append(kGroup, "alice", at);
  auto other = OpenRetentionStore(config_);  // another broker's sweeper
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  auto a = retention_->ExpireBatch(kGroup, 200, 2);
  auto b = (*other)->ExpireBatch(kGroup, 200, 2);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->through_seq, 2);
  EXPECT_EQ(b->from_seq, 2);
  EXPECT_EQ(b->through_seq, 3);
  EXPECT_EQ(Seqs(kGroup), std::vector<int64_t>{});
  auto marker = chat_->ExpiredThroughSeq(kGroup);
  ASSERT_TRUE(marker.ok());
  EXPECT_EQ(*marker, 3);
}

TEST_P(RetentionStoreTest, OnlyOwnersAdminsAndTheOperatorSetRetention) {
  auto get = [&](ConversationId id) {
    auto s = retention_->GetRetention(id);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? s->days : std::optional<int64_t>(-99);
  };
  EXPECT_EQ(get(kGroup), std::nullopt);  // the server's default
  EXPECT_EQ(retention_->SetRetention(kGroup, "bob", 5, 1).code(), Code::kPermissionDenied);
  EXPECT_EQ(retention_->SetRetention(kGroup, "carol", 5, 1).code(), Code::kNotFound);
  EXPECT_EQ(retention_->SetRetention(kGroup + 99, "alice", 5, 1).code(), Code::kNotFound);
  EXPECT_EQ(retention_->SetRetention(kDirect, "alice", 5, 1).code(), Code::kPermissionDenied);
  EXPECT_EQ(get(kGroup), std::nullopt);
  ASSERT_TRUE(retention_->SetRetention(kGroup, "alice", 5, 1).ok());
  EXPECT_EQ(get(kGroup), 5);
  ASSERT_TRUE(retention_->SetRetention(kDirect, kOperatorActor, 0, 1).ok());
  EXPECT_EQ(get(kDirect), 0);
  EXPECT_EQ(retention_->SetRetention(kGroup + 99, kOperatorActor, 1, 1).code(), Code::kNotFound);
  ASSERT_TRUE(retention_->SetRetention(kGroup, "alice", std::nullopt, 1).ok());
  EXPECT_EQ(get(kGroup), std::nullopt);
  auto list = retention_->ListRetention(0, 10);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].id, kGroup);
  EXPECT_EQ((*list)[1].days, 0);
  auto after = retention_->ListRetention(kGroup, 10);
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].id, kDirect);
}

// Slow mode (migration 018): the same rules for who sets it; the conversation (with its
// members_version raised, so cached copies reload) and the summaries carry it.
TEST_P(RetentionStoreTest, OnlyOwnersAndAdminsSetSlowModeAndTheConversationCarriesIt) {
  auto conversation = [&] {
    auto c = chat_->GetConversation(kGroup);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : Conversation{};
  };
  auto summary_slow_mode = [&](const std::string& user) {
    auto list = chat_->ListConversations(user);
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    for (const auto& s : list.ok() ? *list : std::vector<ConversationSummary>{}) {
      if (s.id == kGroup) return s.slow_mode_s;
    }
    return int64_t{-1};
  };
  const Conversation before = conversation();
  EXPECT_EQ(before.slow_mode_s, 0);
  EXPECT_EQ(retention_->SetSlowMode(kGroup, "bob", 30, 1).code(), Code::kPermissionDenied);
  EXPECT_EQ(retention_->SetSlowMode(kGroup, "carol", 30, 1).code(), Code::kNotFound);
  EXPECT_EQ(retention_->SetSlowMode(kGroup + 99, "alice", 30, 1).code(), Code::kNotFound);
  EXPECT_EQ(retention_->SetSlowMode(kDirect, "alice", 30, 1).code(), Code::kPermissionDenied);
  EXPECT_EQ(conversation().slow_mode_s, 0);
  ASSERT_TRUE(retention_->SetSlowMode(kGroup, "alice", 30, 1).ok());
  const Conversation after = conversation();
  EXPECT_EQ(after.slow_mode_s, 30);
  EXPECT_GT(after.members_version, before.members_version);
  EXPECT_EQ(summary_slow_mode("bob"), 30);
  ASSERT_TRUE(retention_->SetSlowMode(kGroup, "alice", 0, 2).ok());
  EXPECT_EQ(conversation().slow_mode_s, 0);
  EXPECT_EQ(summary_slow_mode("alice"), 0);
}

// Slow mode decided by AppendBatch under the conversation's lock (migration 025), whichever
// broker each message came through: a member's message sooner than the interval after their
// last stored one is kSlowMode with the rest of it (nothing stored, the same key may come back
// later), also the second of one batch; owners, edits, reactions and a message marked exempt
// are not paced; a resend of a stored message is still its duplicate; off again lifts it.
TEST_P(RetentionStoreTest, AppendBatchPacesAMembersMessagesInSlowMode) {
  auto request = [&](const std::string& sender, const std::string& key, int64_t at) {
    AppendRequest r;
    r.conversation_id = kGroup;
    r.sender = sender;
    r.client_msg_id = key;
    r.text = key;
    r.message_id = 600000 + (++n_);
    r.created_at_ms = at;
    return r;
  };
  auto append = [&](std::vector<AppendRequest> batch) {
    auto results = chat_->AppendBatch(batch);
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    return results.ok() ? *results : std::vector<AppendResult>(batch.size());
  };
  ASSERT_TRUE(retention_->SetSlowMode(kGroup, "alice", 30, 1).ok());
  const int64_t first = Append(kGroup, "bob", 100000);
  ASSERT_GT(first, 0);

  auto early = append({request("bob", "b2", 105000)});
  EXPECT_EQ(early[0].outcome, AppendOutcome::kSlowMode);
  EXPECT_EQ(early[0].retry_after_ms, 25000);
  // A clock behind the first broker's never makes the wait longer than the interval.
  EXPECT_EQ(append({request("bob", "b2", 90000)})[0].retry_after_ms, 30000);
  Append(kGroup, "alice", 105001);                                    // the owner
  Append(kGroup, "bob", 105002, EventKind::kReactionAdd, first, "x");  // not paced
  EXPECT_EQ(Seqs(kGroup).size(), 3u);

  // After the interval: the same key is stored; a second message in its batch waits.
  auto later = append({request("bob", "b2", 130000), request("bob", "b3", 130001),
                       request("bob", "b2", 130002)});
  EXPECT_EQ(later[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ(later[1].outcome, AppendOutcome::kSlowMode);
  EXPECT_EQ(later[1].retry_after_ms, 29999);
  EXPECT_EQ(later[2].outcome, AppendOutcome::kDuplicate);
  auto resend = append({request("bob", "b2", 131000)});  // stored before: its ack, not paced
  EXPECT_EQ(resend[0].outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(resend[0].message.seq, later[0].message.seq);
  EXPECT_EQ(Seqs(kGroup).size(), 4u);
  // A message the writer marked exempt (a channel's sender with manage_messages or
  // manage_channels, AppendRequest::slow_mode_exempt) is not paced.
  AppendRequest exempt = request("bob", "b4", 131500);
  exempt.slow_mode_exempt = true;
  EXPECT_EQ(append({exempt})[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ(append({request("bob", "b5", 131600)})[0].outcome, AppendOutcome::kSlowMode);

  ASSERT_TRUE(retention_->SetSlowMode(kGroup, "alice", 0, 2).ok());
  EXPECT_EQ(append({request("bob", "b3", 131001)})[0].outcome, AppendOutcome::kStored);
}

// A moderator's delete (AppendRequest::moderator, mqchatctl reports resolve --delete-message):
// the operator is no member, yet deletes anyone's message with a delete event in the log; the
// same request without the flag is refused; a repeat finds the message deleted already.
TEST_P(RetentionStoreTest, AModeratorDeletesAnyonesMessageWithADeleteEvent) {
  const int64_t seq = Append(kGroup, "bob", 100);
  AppendRequest del;
  del.conversation_id = kGroup;
  del.sender = kOperatorActor;
  del.client_msg_id = "report-1";
  del.message_id = 900001;
  del.created_at_ms = 200;
  del.kind = EventKind::kDelete;
  del.target_seq = seq;
  auto refused = chat_->AppendBatch({del});
  ASSERT_TRUE(refused.ok()) << refused.status().ToString();
  EXPECT_EQ((*refused)[0].outcome, AppendOutcome::kNotMember);
  del.moderator = true;
  auto deleted = chat_->AppendBatch({del});
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  ASSERT_EQ((*deleted)[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ((*deleted)[0].message.seq, seq + 1);
  auto page = chat_->ReadHistory(kGroup, 0, 0, 100);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page->size(), 2u);
  EXPECT_GT((*page)[0].deleted_at_ms, 0);
  EXPECT_EQ((*page)[1].kind, EventKind::kDelete);
  EXPECT_EQ((*page)[1].sender, kOperatorActor);
  del.client_msg_id = "report-2";
  del.message_id = 900002;
  auto again = chat_->AppendBatch({del});
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)[0].outcome, AppendOutcome::kRefused);
  EXPECT_EQ((*again)[0].refusal, EventRefusal::kTargetDeleted);
}

TEST_P(RetentionStoreTest, EraseSentLeavesTombstonesInPlace) {
  Append(kGroup, "alice", 100);                                              // 1
  Append(kGroup, "bob", 110);                                                // 2
  Append(kGroup, "alice", 120, EventKind::kEdit, 1, "edited");               // 3
  Append(kDirect, "alice", 130);                                             // 1
  auto data = OpenUserDataStore(config_);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  std::vector<std::pair<ConversationId, int64_t>> walked;
  ASSERT_TRUE((*data)
                  ->ForEachSent("alice", 2,
                                [&](const StoredMessage& m) {
                                  walked.emplace_back(m.conversation_id, m.seq);
                                  return Status::Ok();
                                })
                  .ok());
  EXPECT_EQ(walked, (std::vector<std::pair<ConversationId, int64_t>>{
                        {kGroup, 1}, {kGroup, 3}, {kDirect, 1}}));
  auto erased = (*data)->EraseSent("alice", 999, 2);
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(*erased, 2);  // two messages (the edit is not a message)
  auto page = chat_->ReadHistory(kGroup, 0, 0, 100);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ((*page)[0].text, "");
  EXPECT_EQ((*page)[0].deleted_at_ms, 999);
  EXPECT_EQ((*page)[1].text, "text 2");  // bob's
  EXPECT_EQ((*page)[1].deleted_at_ms, 0);
  EXPECT_EQ((*page)[2].text, "");  // the edit's text
  auto again = (*data)->EraseSent("alice", 2000, 2);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);  // nothing left to erase; the first time stays
  auto profile = (*data)->Profile("alice");
  ASSERT_TRUE(profile.ok());
  EXPECT_EQ(profile->username, "alice");
  EXPECT_EQ((*data)->Profile("nobody").status().code(), Code::kNotFound);
  auto convs = (*data)->Conversations("alice");
  ASSERT_TRUE(convs.ok()) << convs.status().ToString();
  ASSERT_EQ(convs->size(), 2u);
  EXPECT_EQ((*convs)[0].id, kGroup);
  EXPECT_EQ((*convs)[0].role, MemberRole::kOwner);
  EXPECT_EQ((*convs)[0].members, (std::vector<std::string>{"alice", "bob"}));
  EXPECT_TRUE((*data)->Audit(kOperatorActor, "erase", "alice", "test", 1).ok());
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(RetentionStoreTest);

}  // namespace
}  // namespace mqchat::store
