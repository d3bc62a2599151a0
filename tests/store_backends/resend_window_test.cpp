// The resend window (migration 028; docs/PROTOCOL.md "send") on SQLite and PostgreSQL alike: a
// message's key (conversation, sender, client_msg_id) is kept in recent_sends, so a resend is
// answered with the original while its key is there; PurgeResendKeys removes the keys created
// before a cutoff, oldest first, at most a batch; a resend whose key was purged is stored as a
// new message, and so is one whose message retention removed while its key was still kept.
#include <gtest/gtest.h>

#include <string>

#include "store/chat_store.h"
#include "store/retention_store.h"
#include "store/store_factory.h"
#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using test::ChatBackendTest;

constexpr ConversationId kGroup = 1001;

class ResendWindowTest : public ChatBackendTest {
 protected:
  void SetUp() override {
    ChatBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    AddUsers({"alice", "bob"}, 1000);
    AddGroup(kGroup, "alice", "team", {"bob"}, 10, 1000);
    OpenInto(retention_, OpenRetentionStore(config_));
  }

  // Sends `client_msg_id` as alice at `at`; returns the result.
  AppendResult Send(const std::string& client_msg_id, int64_t at, const std::string& text) {
    AppendRequest r;
    r.conversation_id = kGroup;
    r.sender = "alice";
    r.client_msg_id = client_msg_id;
    r.text = text;
    r.message_id = 700000 + (++n_);
    r.created_at_ms = at;
    auto results = chat_->AppendBatch({r});
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    if (!results.ok() || results->size() != 1) return AppendResult{};
    return (*results)[0];
  }
  int64_t Purge(int64_t cutoff_ms, int limit) {
    auto n = retention_->PurgeResendKeys(cutoff_ms, limit);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }

  RetentionStorePtr retention_;
  int n_ = 0;
};

TEST_P(ResendWindowTest, PurgeRemovesTheOldestKeysBeforeTheCutoffABatchAtATime) {
  Send("a", 100, "first");
  Send("b", 200, "second");
  Send("c", 300, "third");

  EXPECT_EQ(Purge(/*cutoff_ms=*/250, /*limit=*/1), 1);  // "a"
  EXPECT_EQ(Purge(250, 1), 1);                          // "b"
  EXPECT_EQ(Purge(250, 1), 0);                          // "c" is newer
  EXPECT_EQ(Purge(250, 100), 0);

  // Within the window: the original ack, nothing stored.
  const AppendResult kept = Send("c", 400, "third again");
  EXPECT_EQ(kept.outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(kept.message.seq, 3);
  EXPECT_EQ(kept.message.text, "third");
  EXPECT_EQ(kept.message.created_at_ms, 300);

  // Past it: a new message with the next seq, and its key is kept again.
  const AppendResult anew = Send("a", 500, "first again");
  EXPECT_EQ(anew.outcome, AppendOutcome::kStored);
  EXPECT_EQ(anew.message.seq, 4);
  const AppendResult again = Send("a", 600, "first a third time");
  EXPECT_EQ(again.outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(again.message.seq, 4);
  EXPECT_EQ(again.message.text, "first again");
}

TEST_P(ResendWindowTest, AKeyWhoseMessageExpiredIsTakenOverByTheNewMessage) {
  Send("a", 100, "old");
  Send("b", 900, "newer");
  auto expired = retention_->ExpireBatch(kGroup, /*cutoff_ms=*/500, /*limit=*/10);
  ASSERT_TRUE(expired.ok()) << expired.status().ToString();
  ASSERT_EQ(expired->removed, 1);

  // The key of seq 1 is still kept, its message is gone: stored anew, not a failed batch.
  const AppendResult anew = Send("a", 1000, "sent again");
  EXPECT_EQ(anew.outcome, AppendOutcome::kStored);
  EXPECT_EQ(anew.message.seq, 3);
  const AppendResult again = Send("a", 1100, "and again");
  EXPECT_EQ(again.outcome, AppendOutcome::kDuplicate);
  EXPECT_EQ(again.message.seq, 3);
  // Taken over with the new time: a purge before it leaves the key.
  EXPECT_EQ(Purge(950, 100), 1);   // "b" (900), not "a" (now 1000)
  EXPECT_EQ(Purge(1050, 100), 1);  // "a"
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(ResendWindowTest);

}  // namespace
}  // namespace mqchat::store
