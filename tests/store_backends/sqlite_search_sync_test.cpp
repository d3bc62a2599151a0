// The SQLite search store's connection commits to the index file without an fsync
// (synchronous=NORMAL): the index is derived from the messages, so its commits need not be
// durable, and an fsync per indexed conversation would share the disk with the writer's durable
// commits. The writer's connection stays synchronous=FULL.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>

#include "sqlite/sqlite_helpers.h"
#include "store/sqlite/sqlite_migrator.h"
#include "store/sqlite/sqlite_search_store.h"
#include "support/temp_dir.h"

namespace mqchat::store {
namespace {

int Synchronous(sqlite3* db, const std::string& schema = "main") {
  sqlite3_stmt* raw = nullptr;
  const std::string pragma = "PRAGMA " + schema + ".synchronous";
  EXPECT_EQ(sqlite3_prepare_v2(db, pragma.c_str(), -1, &raw, nullptr), SQLITE_OK);
  SqliteStmtPtr stmt(raw);
  EXPECT_EQ(sqlite3_step(stmt.get()), SQLITE_ROW);
  return sqlite3_column_int(stmt.get(), 0);
}

TEST(SqliteSearchSyncTest, IndexCommitsSkipTheFsyncWhileTheWriterKeepsIt) {
  test::TempDir dir;
  const std::string path = dir.path() + "/chat.db";
  auto writer = OpenSqlite(path);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE(MigrateSqlite(writer->get()).ok());
  auto index_db = OpenSqlite(path);
  ASSERT_TRUE(index_db.ok()) << index_db.status().ToString();
  sqlite3* raw = index_db->get();
  ASSERT_EQ(Synchronous(raw), 2);  // FULL, as every connection opens
  auto store = SqliteSearchStore::Create(std::move(index_db).value());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(Synchronous(raw, "idx"), 1);  // NORMAL, where it writes
  EXPECT_EQ(Synchronous(writer->get()), 2);
}

}  // namespace
}  // namespace mqchat::store
