// NextMigration (store/migration_plan.h) and the embedded migrations' numbering.
#include "store/migration_plan.h"

#include <gtest/gtest.h>

#include <vector>

#include "embedded_schema.h"

namespace mqchat::store {
namespace {

const std::vector<schema::Migration> kTwoGood = {
    {1, "001_a.sql", "CREATE TABLE a (x INTEGER NOT NULL);"},
    {2, "002_b.sql", "CREATE TABLE b (y INTEGER NOT NULL); INSERT INTO b (y) VALUES (7);"},
};

TEST(MigrationPlanTest, PicksFirstNewerMigration) {
  auto next = NextMigration(0, kTwoGood);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ((*next)->version, 1);
  next = NextMigration(1, kTwoGood);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ((*next)->version, 2);
  next = NextMigration(2, kTwoGood);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(*next, nullptr);
}

TEST(MigrationPlanTest, RefusesNewerDatabase) {
  auto next = NextMigration(3, kTwoGood);
  ASSERT_FALSE(next.ok());
  EXPECT_EQ(next.status().code(), Code::kFailedPrecondition);
  EXPECT_EQ(next.status().message(),
            "database schema version 3 is newer than this build supports (2); upgrade mqchat");
}

TEST(MigrationPlanTest, EmbeddedMigrationsAreNumberedFromOne) {
  for (const auto* list : {&schema::SqliteMigrations(), &schema::PostgresMigrations()}) {
    ASSERT_FALSE(list->empty());
    for (size_t i = 0; i < list->size(); ++i) {
      EXPECT_EQ((*list)[i].version, static_cast<int>(i) + 1) << (*list)[i].name;
    }
  }
  EXPECT_EQ(schema::SqliteMigrations().size(), schema::PostgresMigrations().size());
}

}  // namespace
}  // namespace mqchat::store
