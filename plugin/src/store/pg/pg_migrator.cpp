#include "store/pg/pg_migrator.h"

#include <string>

#include "store/migration_plan.h"
#include "store/pg/pg_handles.h"

namespace mqchat::store {
namespace {

// The key is "mqchatmg" read as a big-endian int64; only our migrators take it.
constexpr char kLock[] = "SELECT pg_advisory_xact_lock(7886193722465217895)";
constexpr char kCreateMigrationsTable[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)";
constexpr char kTableExists[] = "SELECT to_regclass('schema_migrations') IS NOT NULL";
constexpr char kMaxVersion[] = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
constexpr char kRecordMigration[] =
    "INSERT INTO schema_migrations (version, name, applied_at_ms) "
    "VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::bigint)";

Result<int> MaxVersion(PGconn* conn) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecPgSql(conn, kMaxVersion));
  MQCHAT_ASSIGN_OR_RETURN(int64_t version, PgInt64(res.get(), 0, 0));
  return static_cast<int>(version);
}

Status Apply(PGconn* conn, const schema::Migration& m) {
  // The file text is an embedded constant; the simple query protocol runs it as a script.
  const std::string sql(m.sql);
  auto applied = ExecPgSql(conn, sql.c_str());
  if (!applied.ok()) {
    return applied.status().WithContext("postgres migration " + std::string(m.name));
  }
  const std::string name(m.name);
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          ExecParams(conn, kRecordMigration, PgParams().Int(m.version).Text(name)));
  return Status::Ok();
}

}  // namespace

Status MigratePg(PGconn* conn, const std::vector<schema::Migration>& migrations) {
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn));
    MQCHAT_ASSIGN_OR_RETURN(PgResultPtr locked, ExecPgSql(conn, kLock));
    MQCHAT_ASSIGN_OR_RETURN(PgResultPtr created, ExecPgSql(conn, kCreateMigrationsTable));
    MQCHAT_ASSIGN_OR_RETURN(int current, MaxVersion(conn));
    MQCHAT_ASSIGN_OR_RETURN(const schema::Migration* next, NextMigration(current, migrations));
    if (next == nullptr) {
      return txn.Commit();
    }
    MQCHAT_RETURN_IF_ERROR(Apply(conn, *next));
    MQCHAT_RETURN_IF_ERROR(txn.Commit());
  }
}

Result<int> CurrentSchemaVersion(PGconn* conn) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr exists, ExecPgSql(conn, kTableExists));
  if (PgText(exists.get(), 0, 0) != "t") {
    return 0;
  }
  return MaxVersion(conn);
}

}  // namespace mqchat::store
