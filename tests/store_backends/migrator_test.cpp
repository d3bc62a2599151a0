// Migrators of both backends (sqlite_migrator.h, pg_migrator.h).
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "store_backends/store_backend_fixture.h"

namespace mqchat::store {
namespace {

using test::StoreBackendTest;

const std::vector<schema::Migration> kTwoGood = {
    {1, "001_a.sql", "CREATE TABLE a (x INTEGER NOT NULL);"},
    {2, "002_b.sql", "CREATE TABLE b (y INTEGER NOT NULL); INSERT INTO b (y) VALUES (7);"},
};
const std::vector<schema::Migration> kSecondBroken = {
    {1, "001_a.sql", "CREATE TABLE a (x INTEGER NOT NULL);"},
    {2, "002_b.sql", "CREATE TABLE b (y INTEGER NOT NULL); THIS IS NOT SQL;"},
};

class MigratorTest : public StoreBackendTest {};

TEST_P(MigratorTest, FreshDatabaseIsVersionZero) {
  auto version = SchemaVersion();
  ASSERT_TRUE(version.ok()) << version.status().ToString();
  EXPECT_EQ(*version, 0);
}

TEST_P(MigratorTest, AppliesInOrderAndRerunIsNoOp) {
  ASSERT_TRUE(Migrate(kTwoGood).ok());
  EXPECT_EQ(Version(), 2);
  ASSERT_TRUE(ExecRaw("INSERT INTO a (x) VALUES (1)").ok());
  Status again = Migrate(kTwoGood);  // would fail ("table a exists") if it re-applied anything
  EXPECT_TRUE(again.ok()) << again.ToString();
  EXPECT_EQ(Version(), 2);
}

TEST_P(MigratorTest, AppliesOnlyWhatIsMissing) {
  ASSERT_TRUE(Migrate({kTwoGood[0]}).ok());
  EXPECT_EQ(Version(), 1);
  ASSERT_TRUE(Migrate(kTwoGood).ok());
  EXPECT_EQ(Version(), 2);
}

TEST_P(MigratorTest, FailedMigrationRollsBackEntirely) {
  Status s = Migrate(kSecondBroken);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("002_b.sql"), std::string::npos) << s.ToString();
  EXPECT_EQ(Version(), 1);  // 001 committed on its own
  EXPECT_FALSE(ExecRaw("SELECT y FROM b").ok()) << "half of 002 survived";
  ASSERT_TRUE(Migrate(kTwoGood).ok());  // the fixed file applies cleanly afterwards
  EXPECT_EQ(Version(), 2);
}

TEST_P(MigratorTest, NewerDatabaseIsRefusedAndUntouched) {
  ASSERT_TRUE(Migrate(kTwoGood).ok());
  Status s = Migrate({kTwoGood[0]});
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "database schema version 2 is newer than this build supports (1); upgrade mqchat");
  EXPECT_EQ(Version(), 2);
}

TEST_P(MigratorTest, ConcurrentMigratorsTakeTurns) {
  constexpr int kMigrators = 4;
  std::vector<Status> results(kMigrators);
  std::vector<std::thread> threads;
  for (int i = 0; i < kMigrators; ++i) {
    threads.emplace_back([this, &results, i] { results[i] = Migrate(Embedded()); });
  }
  for (auto& t : threads) {
    t.join();
  }
  for (const Status& s : results) {
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_EQ(Version(), Embedded().back().version);
}

// A migration can take minutes on a big database (a table rebuilt); a broker or API service
// starting meanwhile waits for it rather than failing at the end of a statement's busy wait
// (CI saw ConcurrentMigratorsTakeTurns fail on a slow machine). PostgreSQL's migrator waits on
// an advisory lock, so only SQLite's is in question.
TEST_P(MigratorTest, WaitsOutAnotherMigratorLongerThanTheBusyWait) {
  if (!is_sqlite()) GTEST_SKIP() << "PostgreSQL's migrator waits on an advisory lock";
  using namespace std::chrono_literals;
  constexpr auto kBusyWait = 50ms;
  ASSERT_TRUE(Migrate({kTwoGood[0]}).ok());
  auto other = OpenSqlite(config_.sqlite_path);  // the other process, mid-migration
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  ASSERT_TRUE(ExecSqlite(other->get(), "BEGIN IMMEDIATE").ok());

  auto db = OpenSqlite(config_.sqlite_path);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(SetSqliteBusyWait(db->get(), kBusyWait).ok());
  Status migrated = Status::Internal("not run");
  std::thread migrator([&] { migrated = store::MigrateSqlite(db->get(), kTwoGood); });
  // The other migration holds the write lock for ten busy waits, then commits version 2.
  std::this_thread::sleep_for(10 * kBusyWait);
  ASSERT_TRUE(ExecSqlite(other->get(), std::string(kTwoGood[1].sql).c_str()).ok());
  ASSERT_TRUE(ExecSqlite(other->get(),
                         "INSERT INTO schema_migrations (version, name, applied_at_ms) "
                         "VALUES (2, '002_b.sql', 0); COMMIT")
                  .ok());
  migrator.join();
  EXPECT_TRUE(migrated.ok()) << migrated.ToString();
  EXPECT_EQ(Version(), 2);
  EXPECT_TRUE(ExecRaw("SELECT y FROM b").ok());  // applied once, by the other
}

MQCHAT_INSTANTIATE_FOR_BACKENDS(MigratorTest);

}  // namespace
}  // namespace mqchat::store
