#include "store/sqlite/sqlite_migrator.h"

#include <chrono>
#include <optional>
#include <string>

#include "sqlite/sqlite_helpers.h"
#include "store/migration_plan.h"

namespace mqchat::store {
namespace {

constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)";
constexpr char kTableExists[] =
    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
constexpr char kMaxVersion[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr char kRecordMigration[] =
    "INSERT INTO schema_migrations (version, name, applied_at_ms) "
    "VALUES (?1, ?2, CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER))";

// The integer `sql` answers; Internal if it has no row.
Result<int64_t> QueryInt(sqlite3* db, const char* sql) {
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int64_t> value, QuerySqliteInt64(db, sql));
  if (!value) return Status::Internal(std::string("no row from ") + sql);
  return *value;
}

Status Apply(sqlite3* db, const schema::Migration& m) {
  // The file text is an embedded constant; it runs as a script (several statements).
  const std::string sql(m.sql);
  Status s = ExecSqlite(db, sql.c_str());
  if (!s.ok()) {
    return s.WithContext("sqlite migration " + std::string(m.name));
  }
  MQCHAT_ASSIGN_OR_RETURN(SqliteStmtPtr record, PrepareSqlite(db, kRecordMigration));
  MQCHAT_RETURN_IF_ERROR(BindInt64(record.get(), 1, m.version));
  MQCHAT_RETURN_IF_ERROR(BindText(record.get(), 2, m.name));
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(record.get()));
  (void)has_row;
  return Status::Ok();
}

// How long a migrator waits for another one's lock: a migration can rebuild a big table for
// minutes, and a broker or API service starting meanwhile should wait for it, as PostgreSQL's
// migrator does on its advisory lock, not fail at the end of a statement's busy wait.
constexpr std::chrono::milliseconds kMigrationLockWait = std::chrono::minutes(30);

// Sets the connection's busy wait to kMigrationLockWait for its lifetime, then to the default.
class MigrationBusyWait {
 public:
  explicit MigrationBusyWait(sqlite3* db) : db_(db) {
    (void)SetSqliteBusyWait(db_, kMigrationLockWait);
  }
  ~MigrationBusyWait() { (void)SetSqliteBusyWait(db_, kSqliteBusyWait); }
  MigrationBusyWait(const MigrationBusyWait&) = delete;
  MigrationBusyWait& operator=(const MigrationBusyWait&) = delete;

 private:
  sqlite3* const db_;
};

Status MigrateSteps(sqlite3* db, const std::vector<schema::Migration>& migrations) {
  while (true) {
    // BEGIN IMMEDIATE: a second process migrating the same file waits here (the busy handler) and
    // then sees the version the first one committed.
    MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db));
    MQCHAT_RETURN_IF_ERROR(ExecSqlite(db, kCreateMigrationsTable));
    MQCHAT_ASSIGN_OR_RETURN(int64_t current, QueryInt(db, kMaxVersion));
    MQCHAT_ASSIGN_OR_RETURN(const schema::Migration* next,
                            NextMigration(static_cast<int>(current), migrations));
    if (next == nullptr) {
      return txn.Commit();
    }
    MQCHAT_RETURN_IF_ERROR(Apply(db, *next));
    MQCHAT_RETURN_IF_ERROR(txn.Commit());
  }
}

}  // namespace

Status MigrateSqlite(sqlite3* db, const std::vector<schema::Migration>& migrations) {
  MigrationBusyWait wait(db);
  return MigrateSteps(db, migrations);
}

Result<int> CurrentSchemaVersion(sqlite3* db) {
  MQCHAT_ASSIGN_OR_RETURN(int64_t exists, QueryInt(db, kTableExists));
  if (exists == 0) {
    return 0;
  }
  MQCHAT_ASSIGN_OR_RETURN(int64_t version, QueryInt(db, kMaxVersion));
  return static_cast<int>(version);
}

}  // namespace mqchat::store
