// The search index keeps nothing of a message that is gone (issue 24 on issue 17's index): the
// retention sweep and the erasure of a user's messages remove the messages' postings and
// search_docs rows (on SQLite in the index file, on PostgreSQL in the database), while the
// other messages' entries stay and are still found; and an indexer that is behind never
// indexes a message after it expired or was erased.
#include <gtest/gtest.h>

#include <string>

#include "search/indexer.h"
#include "search/tokenizer.h"
#include "store/pg/pg_handles.h"
#include "store/retention_store.h"
#include "store/search_store.h"
#include "store/sqlite/sqlite_search_file.h"
#include "store/store_factory.h"
#include "store/user_data_store.h"
#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using test::ChatBackendTest;

constexpr ConversationId kGroup = 1001;

class SearchPruneTest : public ChatBackendTest {
 protected:
  void SetUp() override {
    ChatBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    AddUsers({"alice", "bob"}, 1000);
    AddGroup(kGroup, "alice", "team", {"bob"}, 10, 1000);
    OpenInto(retention_, OpenRetentionStore(config_));
    OpenInto(search_, OpenSearchStore(config_));
  }

  int64_t Append(const std::string& sender, int64_t at, const std::string& text) {
    AppendRequest r;
    r.conversation_id = kGroup;
    r.sender = sender;
    r.client_msg_id = "c" + std::to_string(++n_);
    r.text = text;
    r.message_id = 700000 + n_;
    r.created_at_ms = at;
    auto results = chat_->AppendBatch({r});
    EXPECT_TRUE(results.ok()) << results.status().ToString();
    if (!results.ok()) return 0;
    return (*results)[0].message.seq;
  }

  void Index() {
    Status s = search::IndexConversation(*search_, kGroup, 100);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  // The index rows of (kGroup, seq): its search_docs row plus its postings.
  int64_t Rows(int64_t seq) {
    const std::string where =
        " WHERE conversation_id = " + std::to_string(kGroup) + " AND seq = " + std::to_string(seq);
    const std::string sql = "SELECT (SELECT count(*) FROM search_docs" + where +
                            ") + (SELECT count(*) FROM search_postings" + where + ")";
    if (is_sqlite()) {
      auto db = OpenSqlite(SqliteSearchIndexPath(config_.sqlite_path));
      EXPECT_TRUE(db.ok()) << db.status().ToString();
      if (!db.ok()) return -1;
      auto stmt = PrepareSqlite(db->get(), sql.c_str());
      EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
      if (!stmt.ok()) return -1;
      auto row = StepSqlite(stmt->get());
      return row.ok() && *row ? ColumnInt64(stmt->get(), 0) : -1;
    }
    auto conn = ConnectPg(config_.pg_conninfo);
    EXPECT_TRUE(conn.ok()) << conn.status().ToString();
    if (!conn.ok()) return -1;
    auto res = ExecPgSql(conn->get(), sql.c_str());
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? std::stoll(PQgetvalue(res->get(), 0, 0)) : -1;
  }

  int64_t Found(const std::string& word) {
    const auto terms = search::DocumentTerms(word);
    if (terms.size() != 1) ADD_FAILURE() << word << " is not one term";
    if (terms.size() != 1) return -1;
    auto n = search_->CountPostings(search::TermKey(terms[0]), kGroup, 100);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  }

  RetentionStorePtr retention_;
  SearchStorePtr search_;
  int n_ = 0;
};

TEST_P(SearchPruneTest, ExpiredMessagesLeaveNoIndexRows) {
  const int64_t old1 = Append("alice", 100, "lunch plans");
  const int64_t old2 = Append("bob", 110, "meeting notes");
  const int64_t fresh = Append("bob", 5000, "lunch again");
  Index();
  ASSERT_GT(Rows(old1), 0);
  ASSERT_GT(Rows(old2), 0);
  ASSERT_EQ(Found("meeting"), 1);
  auto batch = retention_->ExpireBatch(kGroup, 1000, 100);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->removed, 2);
  EXPECT_EQ(Rows(old1), 0);
  EXPECT_EQ(Rows(old2), 0);
  EXPECT_EQ(Found("meeting"), 0);
  EXPECT_GT(Rows(fresh), 0);
  EXPECT_EQ(Found("lunch"), 1);  // the fresh one's
}

TEST_P(SearchPruneTest, AnIndexerBehindNeverIndexesExpiredMessages) {
  const int64_t old1 = Append("alice", 100, "lunch plans");
  const int64_t fresh = Append("bob", 5000, "lunch again");
  auto changes = search_->ReadIndexChanges(kGroup, 100);  // read before the sweep
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  auto batch = retention_->ExpireBatch(kGroup, 1000, 100);
  ASSERT_TRUE(batch.ok()) << batch.status().ToString();
  ASSERT_EQ(batch->removed, 1);
  ASSERT_TRUE(search_->WriteIndex(kGroup, search::EntriesFor(*changes), changes->last_seq).ok());
  EXPECT_EQ(Rows(old1), 0);
  EXPECT_GT(Rows(fresh), 0);
  EXPECT_EQ(Found("lunch"), 1);
}

TEST_P(SearchPruneTest, ErasedMessagesLeaveNoIndexRows) {
  const int64_t a1 = Append("alice", 100, "secret plans");
  const int64_t b1 = Append("bob", 110, "public notes");
  const int64_t a2 = Append("alice", 120, "more secret");
  Index();
  ASSERT_GT(Rows(a1), 0);
  ASSERT_EQ(Found("secret"), 2);
  auto data = OpenUserDataStore(config_);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  auto erased = (*data)->EraseSent("alice", 999, 1);
  ASSERT_TRUE(erased.ok()) << erased.status().ToString();
  EXPECT_EQ(*erased, 2);
  EXPECT_EQ(Rows(a1), 0);
  EXPECT_EQ(Rows(a2), 0);
  EXPECT_EQ(Found("secret"), 0);
  EXPECT_GT(Rows(b1), 0);
  EXPECT_EQ(Found("public"), 1);
  Index();  // nothing comes back
  EXPECT_EQ(Rows(a1), 0);
}

TEST_P(SearchPruneTest, AnIndexerBehindNeverIndexesErasedMessages) {
  const int64_t a1 = Append("alice", 100, "secret plans");
  auto changes = search_->ReadIndexChanges(kGroup, 100);  // read before the erasure
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  auto data = OpenUserDataStore(config_);
  ASSERT_TRUE(data.ok()) << data.status().ToString();
  ASSERT_TRUE((*data)->EraseSent("alice", 999, 10).ok());
  ASSERT_TRUE(search_->WriteIndex(kGroup, search::EntriesFor(*changes), changes->last_seq).ok());
  EXPECT_EQ(Rows(a1), 0);
  EXPECT_EQ(Found("secret"), 0);
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(SearchPruneTest);

}  // namespace
}  // namespace mqchat::store
