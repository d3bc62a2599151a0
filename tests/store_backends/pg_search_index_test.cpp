// PgSearchStore::WriteIndex writes a chunk of entries in one pipelined transaction (two
// statements whatever their number): a message's postings and term list are written, replaced
// by an edit's terms and removed by a deletion, and the progress rises with them. Needs
// PostgreSQL: skipped when it is not installed (see postgres_instance.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/pg/pg_handles.h"
#include "store/search_store.h"
#include "store/store_factory.h"
#include "support/fresh_pg_store.h"

namespace mqchat::store {
namespace {

constexpr ConversationId kConversation = 3;

class PgSearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreConfig config;
    MQCHAT_FRESH_PG_STORE_CONFIG_OR_SKIP(config);
    auto opened = OpenSearchStore(config);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
    auto conn = ConnectPg(config.pg_conninfo);
    ASSERT_TRUE(conn.ok()) << conn.status().ToString();
    conn_ = std::move(conn).value();
    // The messages the entries are of: the indexer writes only messages that still exist.
    auto rows = ExecPgSql(conn_.get(),
                          "INSERT INTO conversations (conversation_id, kind, created_at_ms) "
                          "VALUES (3, 2, 0); "
                          "INSERT INTO messages (conversation_id, seq, message_id, sender, "
                          "client_msg_id, body, created_at_ms) SELECT 3, s, 100 + s, 'a', "
                          "'c' || s, '', 0 FROM generate_series(1, 4) s");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  }

  // The rows of `sql` (one text column), one per line.
  std::string Rows(const char* sql) {
    auto res = ExecPgSql(conn_.get(), sql);
    EXPECT_TRUE(res.ok()) << sql << ": " << res.status().ToString();
    std::string out;
    if (!res.ok()) return out;
    for (int row = 0; row < PQntuples(res->get()); ++row) out += PgText(res->get(), row, 0) + "\n";
    return out;
  }
  std::string Postings() {
    return Rows(
        "SELECT term || ' ' || message_id || ' ' || seq FROM search_postings "
        "WHERE conversation_id = 3 ORDER BY message_id, term");
  }
  std::string Docs() {
    return Rows(
        "SELECT seq || ' ' || message_id || ' ' || terms::text FROM search_docs "
        "WHERE conversation_id = 3 ORDER BY seq");
  }
  std::string Progress() {
    return Rows("SELECT indexed_seq::text FROM search_progress WHERE conversation_id = 3");
  }

  SearchStorePtr store_;
  PgConnPtr conn_;
};

TEST_F(PgSearchIndexTest, ChunksWriteReplaceAndRemoveEntries) {
  ASSERT_TRUE(store_->WriteIndex(kConversation, {{1, 101, {5, 9}}, {2, 102, {-4, 5}}}, 2).ok());
  EXPECT_EQ(Postings(), "5 101 1\n9 101 1\n-4 102 2\n5 102 2\n");
  EXPECT_EQ(Docs(), "1 101 {5,9}\n2 102 {-4,5}\n");
  EXPECT_EQ(Progress(), "2\n");

  // One chunk: message 1 edited (its terms replaced), message 2 deleted (no terms), message 4
  // new, and a reaction's seq 3 touching nothing (no entry at all).
  ASSERT_TRUE(
      store_->WriteIndex(kConversation, {{1, 101, {7}}, {2, 102, {}}, {4, 104, {5}}}, 6).ok());
  EXPECT_EQ(Postings(), "7 101 1\n5 104 4\n");
  EXPECT_EQ(Docs(), "1 101 {7}\n4 104 {5}\n");
  EXPECT_EQ(Progress(), "6\n");

  // A chunk with only a deletion, and one with nothing: the progress still rises, never falls.
  ASSERT_TRUE(store_->WriteIndex(kConversation, {{4, 104, {}}}, 7).ok());
  ASSERT_TRUE(store_->WriteIndex(kConversation, {}, 5).ok());
  EXPECT_EQ(Postings(), "7 101 1\n");
  EXPECT_EQ(Docs(), "1 101 {7}\n");
  EXPECT_EQ(Progress(), "7\n");

  // Written twice (two brokers' indexers racing): the same rows.
  ASSERT_TRUE(store_->WriteIndex(kConversation, {{1, 101, {7}}}, 7).ok());
  EXPECT_EQ(Postings(), "7 101 1\n");
  EXPECT_EQ(Docs(), "1 101 {7}\n");
}

}  // namespace
}  // namespace mqchat::store
