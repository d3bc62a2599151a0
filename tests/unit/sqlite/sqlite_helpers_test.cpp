// The shared SQLite helpers (sqlite/sqlite_helpers.h): opening, RAII handles, error mapping.
#include "sqlite/sqlite_helpers.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace mqchat {
namespace {

class SqliteHelpersTest : public ::testing::Test {
 protected:
  SqliteDbPtr MustOpen() {
    auto db = OpenSqlite(dir_.File("t.db"));
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  static std::string Pragma(sqlite3* db, const char* sql) {
    auto stmt = PrepareSqlite(db, sql);
    EXPECT_TRUE(stmt.ok()) << stmt.status().ToString();
    if (!stmt.ok()) {
      return "";
    }
    auto row = StepSqlite(stmt->get());
    EXPECT_TRUE(row.ok() && *row);
    return ColumnText(stmt->get(), 0);
  }
  static int64_t Count(sqlite3* db) {
    auto stmt = PrepareSqlite(db, "SELECT COUNT(*) FROM t");
    EXPECT_TRUE(stmt.ok());
    if (!stmt.ok()) {
      return -1;
    }
    auto row = StepSqlite(stmt->get());
    EXPECT_TRUE(row.ok() && *row);
    return ColumnInt64(stmt->get(), 0);
  }

  test::TempDir dir_{"mqchat-sqlite-test"};
};

TEST_F(SqliteHelpersTest, OpenIsDurableWal) {
  SqliteDbPtr db = MustOpen();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(Pragma(db.get(), "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(Pragma(db.get(), "PRAGMA synchronous"), "2");  // FULL
  EXPECT_EQ(Pragma(db.get(), "PRAGMA foreign_keys"), "1");
}

// Several processes opening one new database at once (a broker and the API service starting
// together) all get it: switching the file to WAL answers SQLITE_BUSY without asking the busy
// handler while another connection converts or writes it, so the open retries it (CI saw a
// migrator fail on "PRAGMA journal_mode=WAL": database is locked).
TEST_F(SqliteHelpersTest, ConnectionsOpeningANewFileAtOnceAllOpenIt) {
  constexpr int kRounds = 20;
  constexpr int kOpeners = 4;
  for (int round = 0; round < kRounds; ++round) {
    const std::string path = dir_.File("new" + std::to_string(round) + ".db");
    std::vector<Status> results(kOpeners, Status::Internal("not run"));
    std::vector<std::thread> openers;
    for (int i = 0; i < kOpeners; ++i) {
      openers.emplace_back([&path, &results, i] {
        auto db = OpenSqlite(path);
        if (!db.ok()) {
          results[i] = db.status();
          return;
        }
        // Each writes at once, as a migrator does, so the others open while the lock is held.
        results[i] = ExecSqlite(db->get(),
                                "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS t (x INTEGER); "
                                "INSERT INTO t (x) VALUES (1); COMMIT");
      });
    }
    for (auto& t : openers) {
      t.join();
    }
    for (const Status& s : results) {
      ASSERT_TRUE(s.ok()) << "round " << round << ": " << s.ToString();
    }
  }
}

// A connection that finds the write lock taken waits for it (the busy handler retries every
// millisecond) for about 5 s before SQLITE_BUSY, rather than failing at once.
TEST_F(SqliteHelpersTest, AWriterWaitsAboutFiveSecondsForTheLock) {
  SqliteDbPtr holder = MustOpen();
  SqliteDbPtr waiter = MustOpen();
  ASSERT_NE(holder, nullptr);
  ASSERT_NE(waiter, nullptr);
  ASSERT_TRUE(ExecSqlite(holder.get(), "BEGIN IMMEDIATE").ok());
  const auto start = std::chrono::steady_clock::now();
  Status busy = ExecSqlite(waiter.get(), "BEGIN IMMEDIATE");
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(busy.ok());
  EXPECT_GE(waited, std::chrono::milliseconds(4900));
  ASSERT_TRUE(ExecSqlite(holder.get(), "COMMIT").ok());
  EXPECT_TRUE(ExecSqlite(waiter.get(), "BEGIN IMMEDIATE").ok());
  EXPECT_TRUE(ExecSqlite(waiter.get(), "COMMIT").ok());
}

TEST_F(SqliteHelpersTest, OpenFailureIsStatus) {
  auto db = OpenSqlite(dir_.File("missing-dir/t.db"));
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Code::kInternal);
  EXPECT_NE(db.status().message().find("missing-dir"), std::string::npos);
}

TEST_F(SqliteHelpersTest, UniqueViolationIsAlreadyExists) {
  SqliteDbPtr db = MustOpen();
  ASSERT_TRUE(ExecSqlite(db.get(), "CREATE TABLE t (x TEXT UNIQUE, y INTEGER NOT NULL)").ok());
  auto insert = PrepareSqlite(db.get(), "INSERT INTO t (x, y) VALUES (?1, ?2)");
  ASSERT_TRUE(insert.ok());
  sqlite3_stmt* stmt = insert->get();
  for (int i = 0; i < 2; ++i) {
    StmtReset reset(stmt);
    ASSERT_TRUE(BindText(stmt, 1, "same").ok());
    ASSERT_TRUE(BindInt64(stmt, 2, i).ok());
    auto step = StepSqlite(stmt);
    if (i == 0) {
      ASSERT_TRUE(step.ok()) << step.status().ToString();
    } else {
      ASSERT_FALSE(step.ok());
      EXPECT_EQ(step.status().code(), Code::kAlreadyExists) << step.status().ToString();
    }
  }
  // Other constraints are not "already exists"; StmtReset cleared the bindings (y is NULL).
  {
    StmtReset reset(stmt);
    ASSERT_TRUE(BindText(stmt, 1, "other").ok());
    auto step = StepSqlite(stmt);
    ASSERT_FALSE(step.ok());
    EXPECT_EQ(step.status().code(), Code::kInternal) << step.status().ToString();
  }
  EXPECT_EQ(Count(db.get()), 1);
}

TEST_F(SqliteHelpersTest, TxnRollsBackUnlessCommitted) {
  SqliteDbPtr db = MustOpen();
  ASSERT_TRUE(ExecSqlite(db.get(), "CREATE TABLE t (x INTEGER)").ok());
  {
    auto txn = SqliteTxn::Begin(db.get());
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(ExecSqlite(db.get(), "INSERT INTO t VALUES (1)").ok());
  }
  EXPECT_EQ(Count(db.get()), 0);
  {
    auto txn = SqliteTxn::Begin(db.get());
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(ExecSqlite(db.get(), "INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(txn->Commit().ok());
  }
  EXPECT_EQ(Count(db.get()), 1);
  EXPECT_TRUE(sqlite3_get_autocommit(db.get()));
}

TEST_F(SqliteHelpersTest, WriterLockedOutIsUnavailable) {
  SqliteDbPtr first = MustOpen();
  SqliteDbPtr second = MustOpen();
  ASSERT_TRUE(first && second);
  sqlite3_busy_timeout(second.get(), 20);  // keep the test fast
  auto held = SqliteTxn::Begin(first.get());
  ASSERT_TRUE(held.ok());
  auto blocked = SqliteTxn::Begin(second.get());
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.status().code(), Code::kUnavailable) << blocked.status().ToString();
  EXPECT_TRUE(blocked.status().IsRetryable());
  ASSERT_TRUE(held->Commit().ok());
  EXPECT_TRUE(SqliteTxn::Begin(second.get()).ok());
}

}  // namespace
}  // namespace mqchat
