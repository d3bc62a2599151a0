// The cache file's schema (LocalCache::Open): the tables created where missing, and a file an
// older SDK wrote migrated to this version (the columns later versions added).
#include <string>

#include "local_cache_sql.h"

namespace mqchat::sdk {
namespace {

// 2: conversations.muted_until_ms. 3: the message events (issue 16): messages.kind, target_seq,
// reply_to, edited_at_ms, deleted; the reactions table; outbox.kind, target_seq.
// 4: attachments (issue 16): messages.attachments, outbox.attachments.
// 5: conversations.slow_mode_s (issue 24).
constexpr int kSchemaVersion = 5;

// Applied once per open; every statement is idempotent.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conversations(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  last_seq INTEGER NOT NULL DEFAULT 0,
  read_seq INTEGER NOT NULL DEFAULT 0,
  members TEXT NOT NULL DEFAULT '[]',
  muted_until_ms INTEGER NOT NULL DEFAULT 0,
  slow_mode_s INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS messages(
  conversation_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  sender TEXT NOT NULL,
  client_msg_id TEXT NOT NULL,
  text TEXT NOT NULL,
  sent_at_ms INTEGER NOT NULL,
  reply_to INTEGER NOT NULL DEFAULT 0,
  edited_at_ms INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  kind TEXT NOT NULL DEFAULT '',
  target_seq INTEGER NOT NULL DEFAULT 0,
  attachments TEXT NOT NULL DEFAULT '',
  PRIMARY KEY(conversation_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reactions(
  conversation_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  emoji TEXT NOT NULL,
  user TEXT NOT NULL,
  PRIMARY KEY(conversation_id, seq, emoji, user)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cursors(conversation_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox(
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  client_msg_id TEXT NOT NULL UNIQUE,
  conversation_id INTEGER NOT NULL,
  text TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  kind TEXT NOT NULL DEFAULT '',
  target_seq INTEGER NOT NULL DEFAULT 0,
  attachments TEXT NOT NULL DEFAULT '');
)sql";

// The columns later versions added to tables an older file may already have (kSchema, which
// creates only missing tables, does not add them): table, column, declaration.
struct AddedColumn {
  const char* table;
  const char* column;
  const char* declaration;
};
constexpr AddedColumn kAddedColumns[] = {
    {"conversations", "muted_until_ms", "INTEGER NOT NULL DEFAULT 0"},  // version 2
    {"messages", "reply_to", "INTEGER NOT NULL DEFAULT 0"},             // version 3 ...
    {"messages", "edited_at_ms", "INTEGER NOT NULL DEFAULT 0"},
    {"messages", "deleted", "INTEGER NOT NULL DEFAULT 0"},
    {"messages", "kind", "TEXT NOT NULL DEFAULT ''"},
    {"messages", "target_seq", "INTEGER NOT NULL DEFAULT 0"},
    {"outbox", "kind", "TEXT NOT NULL DEFAULT ''"},
    {"outbox", "target_seq", "INTEGER NOT NULL DEFAULT 0"},
    {"messages", "attachments", "TEXT NOT NULL DEFAULT ''"},  // version 4
    {"outbox", "attachments", "TEXT NOT NULL DEFAULT ''"},
    {"conversations", "slow_mode_s", "INTEGER NOT NULL DEFAULT 0"},  // version 5
};

// Adds what kAddedColumns lists and `db` lacks. Rows an older SDK stored are plain messages
// (it stored events as such; they stay).
Status AddMissingColumns(sqlite3* db) {
  MQCHAT_ASSIGN_OR_RETURN(
      SqliteStmtPtr has_column,
      PrepareSqlite(db, "SELECT count(*) FROM pragma_table_info(?1) WHERE name=?2"));
  for (const AddedColumn& added : kAddedColumns) {
    StmtReset reset(has_column.get());
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(has_column.get(), std::string(added.table),
                                                      std::string(added.column)));
    if (has_row && ColumnInt64(has_column.get(), 0) > 0) continue;
    const std::string sql = std::string("ALTER TABLE ") + added.table + " ADD COLUMN " +
                            added.column + " " + added.declaration;
    MQCHAT_RETURN_IF_ERROR(ExecSqlite(db, sql.c_str()));
  }
  return Status::Ok();
}

// The schema version the file was written with (0 for a new file).
Result<int64_t> UserVersion(sqlite3* db) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteStmtPtr stmt, PrepareSqlite(db, "PRAGMA user_version"));
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt.get()));
  if (!has_row) return Status::Internal("PRAGMA user_version returned no row");
  return ColumnInt64(stmt.get(), 0);
}

}  // namespace

Status MigrateCacheSchema(sqlite3* db, const std::string& file) {
  MQCHAT_ASSIGN_OR_RETURN(int64_t version,
                          CacheResult(UserVersion(db), "reading the schema version of " + file));
  if (version > kSchemaVersion) {
    return Status::FailedPrecondition("cache " + file + " has schema version " +
                                      std::to_string(version) + "; this SDK knows up to " +
                                      std::to_string(kSchemaVersion));
  }
  // Schema and migrations in one transaction: a failure leaves the file as it was.
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, CacheResult(SqliteTxn::Begin(db), "migrating " + file));
  MQCHAT_RETURN_IF_ERROR(CacheStatus(ExecSqlite(db, kSchema), "creating the schema"));
  if (version >= 1 && version < kSchemaVersion) {
    MQCHAT_RETURN_IF_ERROR(
        CacheStatus(AddMissingColumns(db),
                    "migrating the cache to schema version " + std::to_string(kSchemaVersion)));
  }
  const std::string set_version = "PRAGMA user_version=" + std::to_string(kSchemaVersion);
  MQCHAT_RETURN_IF_ERROR(
      CacheStatus(ExecSqlite(db, set_version.c_str()), "setting the schema version"));
  MQCHAT_RETURN_IF_ERROR(CacheStatus(txn.Commit(), "migrating " + file));
  return Status::Ok();
}

}  // namespace mqchat::sdk
