// The SQLite search index in a file of its own (store/sqlite/sqlite_search_file.h, migration 031):
// index writes take that file's lock, never the main file's that the send writer needs.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <memory>
#include <string>
#include <vector>

#include "sqlite/sqlite_helpers.h"
#include "store/sqlite/sqlite_migrator.h"
#include "store/sqlite/sqlite_search_file.h"
#include "store/sqlite/sqlite_search_store.h"
#include "support/temp_dir.h"

namespace mqchat::store {
namespace {

class SqliteSearchFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = OpenSqlite(path_);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    writer_ = std::move(writer).value();
    ASSERT_TRUE(MigrateSqlite(writer_.get()).ok());
  }

  std::unique_ptr<SqliteSearchStore> OpenIndex() {
    auto db = OpenSqlite(path_);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    if (!db.ok()) return nullptr;
    auto store = SqliteSearchStore::Create(std::move(db).value());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(store).value() : nullptr;
  }

  // A conversation whose log reaches `last_seq`, written as the send writer would.
  void AddConversation(int64_t id, int64_t last_seq) {
    const std::string sql = "INSERT INTO conversations (conversation_id, kind, last_seq, "
                            "created_at_ms) VALUES (" +
                            std::to_string(id) + ", 2, " + std::to_string(last_seq) + ", 0)";
    ASSERT_TRUE(ExecSqlite(writer_.get(), sql.c_str()).ok());
    // Its messages: the indexer writes only messages that still exist.
    const std::string messages =
        "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < " +
        std::to_string(last_seq) +
        ") INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body, "
        "created_at_ms) SELECT " +
        std::to_string(id) + ", n, 100 + n, 'a', 'c' || n, '', 0 FROM s";
    ASSERT_TRUE(ExecSqlite(writer_.get(), messages.c_str()).ok());
  }

  // Conversation 1 at seq 5, indexed through seq 5 (one posting, term 42), by a store closed after.
  void IndexSeqFiveOfConversationOne() {
    AddConversation(1, 5);
    auto index = OpenIndex();
    ASSERT_NE(index, nullptr);
    ASSERT_TRUE(index->WriteIndex(1, {Entry(5, 105, 42)}, 5).ok());
  }

  // A store opened again has `postings` postings of term 42 and `behind` to index.
  void ExpectIndexOnReopen(int64_t postings, const std::vector<ConversationId>& behind) {
    auto index = OpenIndex();
    ASSERT_NE(index, nullptr);
    auto count = index->CountPostings(42, 0, 10);
    ASSERT_TRUE(count.ok()) << count.status().ToString();
    EXPECT_EQ(*count, postings);
    auto found = index->ConversationsBehind(10);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    EXPECT_EQ(*found, behind);
  }

  static IndexEntry Entry(int64_t seq, int64_t message_id, int64_t term) {
    IndexEntry e;
    e.seq = seq;
    e.message_id = message_id;
    e.terms = {term};
    return e;
  }

  test::TempDir dir_{"mqchat-search-file"};
  const std::string path_ = dir_.path() + "/chat.db";
  SqliteDbPtr writer_;
};

// The defect it fixes: index transactions took the main file's write lock (BEGIN IMMEDIATE on
// one file), so a send batch waited behind each one. Before, this WriteIndex waited out the busy
// wait behind the writer's open transaction and failed UNAVAILABLE.
TEST_F(SqliteSearchFileTest, IndexWritesGoOnWhileTheSendWriterHoldsItsLock) {
  AddConversation(1, 1);
  auto index = OpenIndex();
  ASSERT_NE(index, nullptr);
  ASSERT_TRUE(ExecSqlite(writer_.get(), "BEGIN IMMEDIATE").ok());
  ASSERT_TRUE(ExecSqlite(writer_.get(), "UPDATE conversations SET last_seq = 2").ok());
  Status wrote = index->WriteIndex(1, {Entry(1, 101, 42)}, 1);
  EXPECT_TRUE(wrote.ok()) << wrote.ToString();
  ASSERT_TRUE(ExecSqlite(writer_.get(), "COMMIT").ok());
  auto postings = index->CountPostings(42, 0, 10);
  ASSERT_TRUE(postings.ok()) << postings.status().ToString();
  EXPECT_EQ(*postings, 1);
  auto behind = index->ConversationsBehind(10);  // seq 2 is not indexed yet
  ASSERT_TRUE(behind.ok()) << behind.status().ToString();
  EXPECT_EQ(*behind, std::vector<ConversationId>{1});
}

TEST_F(SqliteSearchFileTest, TheIndexIsAPrivateFileBesideTheDatabaseAndNotInIt) {
  auto index = OpenIndex();
  ASSERT_NE(index, nullptr);
  struct stat st {};
  ASSERT_EQ(::stat((path_ + ".search").c_str(), &st), 0) << "no index file";
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto tables = PrepareSqlite(writer_.get(),
                              "SELECT count(*) FROM sqlite_master WHERE name LIKE 'search%'");
  ASSERT_TRUE(tables.ok());
  ASSERT_TRUE(StepSqlite(tables->get()).ok());
  EXPECT_EQ(ColumnInt64(tables->get(), 0), 0) << "search tables left in the main file";
}

// The main file restored from a backup older than the index: the index is emptied and built
// again, rather than skipping every seq it claims to have indexed.
TEST_F(SqliteSearchFileTest, AnIndexAheadOfItsDatabaseStartsAgain) {
  IndexSeqFiveOfConversationOne();
  ASSERT_TRUE(ExecSqlite(writer_.get(), "UPDATE conversations SET last_seq = 3").ok());
  ExpectIndexOnReopen(/*postings=*/0, /*behind=*/{1});
}

// An index that is not ahead is kept across restarts.
TEST_F(SqliteSearchFileTest, AnIndexInStepWithItsDatabaseIsKept) {
  IndexSeqFiveOfConversationOne();
  ExpectIndexOnReopen(/*postings=*/1, /*behind=*/{});
}

TEST_F(SqliteSearchFileTest, AnIndexOfANewerFormatIsRefusedWithWhatToDo) {
  {
    auto raw = OpenSqlite(path_ + ".search");
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE(ExecSqlite(raw->get(), "PRAGMA user_version = 9").ok());
  }
  auto db = OpenSqlite(path_);
  ASSERT_TRUE(db.ok());
  auto store = SqliteSearchStore::Create(std::move(db).value());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("delete the file"), std::string::npos)
      << store.status().ToString();
}

}  // namespace
}  // namespace mqchat::store
