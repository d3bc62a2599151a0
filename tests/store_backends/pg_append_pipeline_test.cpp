// PgChatStore::AppendBatch sends its batch as a pipeline (store/pg/pg_pipeline.h), the COMMIT
// before the writes' answers are read. These tests hold it to what one statement at a time
// gave: a check that fails keeps the batch from committing, and a connection lost in either
// round trip fails the batch retryably with nothing of it stored, after which the store
// reconnects and the resend is stored once. PostgreSQL only (SQLite has no connection to lose);
// skipped when it is not installed (see postgres_instance.h).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "store/chat_store.h"
#include "store/pg/pg_handles.h"
#include "store/store_factory.h"
#include "support/fresh_pg_store.h"
#include "support/wait_for.h"

namespace mqchat::store {
namespace {

constexpr ConversationId kGroup = 10;

class PgAppendPipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    MQCHAT_FRESH_PG_STORE_CONFIG_OR_SKIP(config_);
    auto opened = OpenChatStore(config_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    for (const char* user : {"alice", "bob"}) {
      ASSERT_TRUE(store_->EnsureUser(user, Now()).ok()) << user;
    }
    auto group = store_->CreateGroup(kGroup, "alice", "g", {"bob"}, 10, Now());
    ASSERT_TRUE(group.ok()) << group.status().ToString();
    auto admin = ConnectPg(config_.pg_conninfo);
    ASSERT_TRUE(admin.ok()) << admin.status().ToString();
    admin_ = std::move(admin).value();
    auto first = store_->AppendBatch({Req("alice", "a1")});
    ASSERT_TRUE(first.ok()) << first.status().ToString();
    ASSERT_EQ((*first)[0].message.seq, 1);
  }

  int64_t Now() { return now_ms_ += 1000; }

  AppendRequest Req(const std::string& sender, const std::string& client_msg_id) {
    AppendRequest req;
    req.conversation_id = kGroup;
    req.sender = sender;
    req.client_msg_id = client_msg_id;
    req.text = "text of " + client_msg_id;
    req.message_id = ++next_message_id_;
    req.created_at_ms = Now();
    return req;
  }

  // Runs constant SQL over the test's own connection; fails the test on error.
  void Exec(const char* sql) {
    auto res = ExecPgSql(admin_.get(), sql);
    ASSERT_TRUE(res.ok()) << sql << ": " << res.status().ToString();
  }

  // Runs AppendBatch(batch) on another thread, waits until it waits for a lock the test holds,
  // then terminates its server process, and returns what AppendBatch returned.
  Result<std::vector<AppendResult>> AppendCutOffWhileWaiting(
      const std::vector<AppendRequest>& batch) {
    Result<std::vector<AppendResult>> result = Status::Internal("did not run");
    std::thread writer([&] { result = store_->AppendBatch(batch); });
    auto other = ConnectPg(config_.pg_conninfo);
    EXPECT_TRUE(other.ok()) << other.status().ToString();
    int pid = 0;
    if (other.ok()) {
      test::WaitFor(
          [&] {
            auto res = ExecPgSql(other->get(),
                                 "SELECT pid FROM pg_stat_activity WHERE datname = "
                                 "current_database() AND wait_event_type = 'Lock'");
            if (!res.ok() || PQntuples(res->get()) != 1) return false;
            pid = std::stoi(PgText(res->get(), 0, 0));
            return true;
          },
          std::chrono::seconds(30), "the batch waiting for the test's lock");
    }
    if (pid != 0) {
      auto killed = ExecParams(other->get(), "SELECT pg_terminate_backend($1::integer, 10000)",
                               PgParams().Int(pid));
      EXPECT_TRUE(killed.ok()) << killed.status().ToString();
    }
    writer.join();
    return result;
  }

  // The conversation as stored, and its messages' client_msg_ids in seq order.
  void ExpectStored(int64_t last_seq, const std::vector<std::string>& client_msg_ids) {
    auto conv = store_->GetConversation(kGroup);
    ASSERT_TRUE(conv.ok()) << conv.status().ToString();
    EXPECT_EQ(conv->last_seq, last_seq);
    auto history = store_->ReadHistory(kGroup, 0, 0, 100);
    ASSERT_TRUE(history.ok()) << history.status().ToString();
    std::vector<std::string> ids;
    for (const StoredMessage& m : *history) ids.push_back(m.client_msg_id);
    EXPECT_EQ(ids, client_msg_ids);
  }

  StoreConfig config_;
  ChatStorePtr store_;
  PgConnPtr admin_;
  int64_t now_ms_ = 1'700'000'000'000;
  int64_t next_message_id_ = 9'000'000'000'000'000'000;
};

// The seqs of a batch are numbered by the writer from the last_seq it read under the lock; if
// the UPDATE that allocates them comes out anywhere else, the batch must not commit. (A trigger
// plays the part of whatever could move last_seq under the lock.)
TEST_F(PgAppendPipelineTest, SeqsNumberedOutOfStepCommitNothing) {
  Exec(
      "CREATE FUNCTION test_skew() RETURNS trigger LANGUAGE plpgsql AS "
      "$$BEGIN NEW.last_seq := NEW.last_seq + 1; RETURN NEW; END$$");
  Exec(
      "CREATE TRIGGER test_skew BEFORE UPDATE OF last_seq ON conversations "
      "FOR EACH ROW EXECUTE FUNCTION test_skew()");
  auto skewed = store_->AppendBatch({Req("bob", "b1"), Req("alice", "a2")});
  ASSERT_FALSE(skewed.ok());
  EXPECT_EQ(skewed.status().code(), Code::kInternal) << skewed.status().ToString();
  EXPECT_NE(skewed.status().message().find("went out of step"), std::string::npos)
      << skewed.status().ToString();
  Exec("DROP TRIGGER test_skew ON conversations");
  ASSERT_NO_FATAL_FAILURE(ExpectStored(1, {"a1"}));

  auto resent = store_->AppendBatch({Req("bob", "b1"), Req("alice", "a2")});
  ASSERT_TRUE(resent.ok()) << resent.status().ToString();
  EXPECT_EQ((*resent)[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ((*resent)[0].message.seq, 2);
  EXPECT_EQ((*resent)[1].message.seq, 3);
  ASSERT_NO_FATAL_FAILURE(ExpectStored(3, {"a1", "b1", "a2"}));
}

// Round trip 1: the batch waits for the conversation's lock (held here) when its connection
// is cut.
TEST_F(PgAppendPipelineTest, ConnectionLostWhileWaitingForTheLockFailsTheBatchRetryably) {
  Exec("BEGIN");
  Exec("SELECT 1 FROM conversations WHERE conversation_id = 10 FOR UPDATE");
  auto cut = AppendCutOffWhileWaiting({Req("bob", "b1")});
  Exec("ROLLBACK");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), Code::kUnavailable) << cut.status().ToString();

  ASSERT_NO_FATAL_FAILURE(ExpectStored(1, {"a1"}));  // reconnects first
  auto resent = store_->AppendBatch({Req("bob", "b1")});
  ASSERT_TRUE(resent.ok()) << resent.status().ToString();
  EXPECT_EQ((*resent)[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ((*resent)[0].message.seq, 2);
  ASSERT_NO_FATAL_FAILURE(ExpectStored(2, {"a1", "b1"}));
}

// Round trip 2: the writes and the COMMIT are sent; the write waits for bob's members row
// (his read position moves with his message; the row is locked here) when the connection is
// cut. Nothing of the batch may be stored, though its COMMIT had been sent.
TEST_F(PgAppendPipelineTest, ConnectionLostDuringTheWritesCommitsNothing) {
  Exec("BEGIN");
  Exec("SELECT 1 FROM members WHERE conversation_id = 10 AND username = 'bob' FOR UPDATE");
  auto cut = AppendCutOffWhileWaiting({Req("alice", "a2"), Req("bob", "b1")});
  Exec("ROLLBACK");
  ASSERT_FALSE(cut.ok());
  EXPECT_EQ(cut.status().code(), Code::kUnavailable) << cut.status().ToString();

  ASSERT_NO_FATAL_FAILURE(ExpectStored(1, {"a1"}));
  auto resent = store_->AppendBatch({Req("alice", "a2"), Req("bob", "b1")});
  ASSERT_TRUE(resent.ok()) << resent.status().ToString();
  EXPECT_EQ((*resent)[0].outcome, AppendOutcome::kStored);
  EXPECT_EQ((*resent)[1].outcome, AppendOutcome::kStored);
  EXPECT_EQ((*resent)[1].message.seq, 3);
  ASSERT_NO_FATAL_FAILURE(ExpectStored(3, {"a1", "a2", "b1"}));
}

}  // namespace
}  // namespace mqchat::store
