// StoreBackendTest: gives each TEST_P an empty database of one backend (a SQLite file in a temp
// dir, or a fresh database on the shared PostgreSQL), so one suite covers both stores.
// ChatBackendTest adds a ChatStore on that database, for the tests of the stores that need
// users and conversations in it first. Test thread only. Header-only, because the store-test
// glob builds only *_test.cpp files here.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "embedded_schema.h"
#include "mqchat/status.h"
#include "store/chat_store.h"
#include "store/pg/pg_handles.h"
#include "store/pg/pg_migrator.h"
#include "sqlite/sqlite_helpers.h"
#include "store/sqlite/sqlite_migrator.h"
#include "store/store_config.h"
#include "store/store_factory.h"
#include "support/postgres_instance.h"
#include "support/temp_dir.h"

namespace mqchat::test {

class StoreBackendTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    config_.backend = GetParam();
    if (is_sqlite()) {
      config_.sqlite_path = dir_.File("store.db");
      return;
    }
    MQCHAT_SHARED_POSTGRES_OR_SKIP(pg);
    auto conninfo = pg->FreshDatabase();
    ASSERT_TRUE(conninfo.ok()) << conninfo.status().ToString();
    config_.pg_conninfo = *conninfo;
  }

  bool is_sqlite() const { return GetParam() == store::Backend::kSqlite; }

  // Runs constant SQL on the test database over a connection of its own, outside any store.
  Status ExecRaw(const char* sql) {
    if (is_sqlite()) {
      MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenSqlite(config_.sqlite_path));
      return ExecSqlite(db.get(), sql);
    }
    MQCHAT_ASSIGN_OR_RETURN(store::PgConnPtr conn, store::ConnectPg(config_.pg_conninfo));
    MQCHAT_ASSIGN_OR_RETURN(store::PgResultPtr res, store::ExecPgSql(conn.get(), sql));
    return Status::Ok();
  }

  // Applies `migrations` over a fresh connection.
  Status Migrate(const std::vector<schema::Migration>& migrations) {
    if (is_sqlite()) {
      MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenSqlite(config_.sqlite_path));
      return store::MigrateSqlite(db.get(), migrations);
    }
    MQCHAT_ASSIGN_OR_RETURN(store::PgConnPtr conn, store::ConnectPg(config_.pg_conninfo));
    return store::MigratePg(conn.get(), migrations);
  }

  // The backend's embedded migrations.
  const std::vector<schema::Migration>& Embedded() const {
    return is_sqlite() ? schema::SqliteMigrations() : schema::PostgresMigrations();
  }

  // CurrentSchemaVersion over a fresh connection.
  Result<int> SchemaVersion() {
    if (is_sqlite()) {
      MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenSqlite(config_.sqlite_path));
      return store::CurrentSchemaVersion(db.get());
    }
    MQCHAT_ASSIGN_OR_RETURN(store::PgConnPtr conn, store::ConnectPg(config_.pg_conninfo));
    return store::CurrentSchemaVersion(conn.get());
  }

  // SchemaVersion(), or -1 with a test failure.
  int Version() {
    auto version = SchemaVersion();
    EXPECT_TRUE(version.ok()) << version.status().ToString();
    return version.ok() ? *version : -1;
  }

  TempDir dir_{"mqchat-store-test"};
  store::StoreConfig config_;
};

// StoreBackendTest with chat_, a ChatStore open on the test database, and helpers to seed it.
// A subclass's SetUp calls ChatBackendTest::SetUp, returns if IsSkipped() || HasFatalFailure(),
// then seeds and opens the store under test with the helpers below; each records a fatal
// failure on error, so the test body does not run on a half-seeded database.
class ChatBackendTest : public StoreBackendTest {
 protected:
  void SetUp() override {
    StoreBackendTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    OpenInto(chat_, store::OpenChatStore(config_));
  }

  // Records `users`, created at `at_ms`.
  void AddUsers(const std::vector<std::string>& users, int64_t at_ms) {
    for (const std::string& user : users) {
      const Status added = chat_->EnsureUser(user, at_ms);
      ASSERT_TRUE(added.ok()) << user << ": " << added.ToString();
    }
  }
  // Creates group `id` owned by `owner` with `members`.
  void AddGroup(store::ConversationId id, const std::string& owner, const std::string& name,
                const std::vector<std::string>& members, int max_members, int64_t at_ms) {
    auto group = chat_->CreateGroup(id, owner, name, members, max_members, at_ms);
    ASSERT_TRUE(group.ok()) << "group " << id << ": " << group.status().ToString();
  }
  // Opens direct conversation `id` between `a` and `b`.
  void AddDirect(store::ConversationId id, const std::string& a, const std::string& b,
                 int64_t at_ms) {
    auto direct = chat_->OpenDirect(id, a, b, at_ms);
    ASSERT_TRUE(direct.ok()) << "direct " << id << ": " << direct.status().ToString();
  }
  // Moves the store `opened` (store::Open*Store(config_)) into `into`.
  template <typename StorePtr>
  static void OpenInto(StorePtr& into, Result<StorePtr> opened) {
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    into = std::move(opened).value();
  }

  store::ChatStorePtr chat_;
};

inline std::string BackendName(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace mqchat::test

// Instantiates `suite` (a StoreBackendTest subclass) for both backends.
#define MQCHAT_INSTANTIATE_FOR_BACKENDS(suite)                                                   \
  INSTANTIATE_TEST_SUITE_P(                                                                      \
      Backends, suite,                                                                           \
      ::testing::Values(::mqchat::store::Backend::kSqlite, ::mqchat::store::Backend::kPostgres), \
      ::mqchat::test::BackendName)
