// The SQLite stores' helpers: opening a database, binding, stepping, transactions, and the one
// place sqlite result codes become Status. The RAII handles (SqliteDbPtr, SqliteStmtPtr,
// StmtReset) come from sqlite/sqlite_handles.h, shared with the SDK. A connection and its
// statements belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "mqchat/status.h"
#include "sqlite/sqlite_handles.h"

namespace mqchat::store {

// Converts a (possibly extended) sqlite result code into a Status whose message starts with
// `what`: SQLITE_BUSY/LOCKED -> kUnavailable, UNIQUE/PRIMARY KEY constraint -> kAlreadyExists,
// anything else -> kInternal. `db` may be null. Returns OK for SQLITE_OK/ROW/DONE.
Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

// Opens (creating if missing) the database file at `path` for use by one thread, with extended
// result codes, busy_timeout 5000 ms, journal_mode=WAL, synchronous=FULL and foreign_keys=ON.
// ":memory:" is accepted (its journal mode stays "memory").
Result<SqliteDbPtr> OpenSqlite(const std::string& path);

// Compiles one statement. `sql` is a constant; values are bound, never spliced in.
Result<SqliteStmtPtr> PrepareSqlite(sqlite3* db, std::string_view sql);

// Runs constant SQL text that takes no parameters (PRAGMAs, transaction control, migration
// scripts with several statements).
Status ExecSqlite(sqlite3* db, const char* sql);

// Steps `stmt` once: true if a row is available, false when done, a Status on error.
Result<bool> StepSqlite(sqlite3_stmt* stmt);

// Binding helpers (1-based indexes, as in sqlite). Text is copied (SQLITE_TRANSIENT).
Status BindText(sqlite3_stmt* stmt, int index, std::string_view value);
Status BindBlob(sqlite3_stmt* stmt, int index, std::string_view value);
Status BindInt64(sqlite3_stmt* stmt, int index, int64_t value);
Status BindNull(sqlite3_stmt* stmt, int index);

// Column helpers (0-based, as in sqlite). NULL reads as "" / 0.
std::string ColumnText(sqlite3_stmt* stmt, int col);
std::string ColumnBlob(sqlite3_stmt* stmt, int col);
inline int64_t ColumnInt64(sqlite3_stmt* stmt, int col) { return sqlite3_column_int64(stmt, col); }

// A write transaction: BEGIN IMMEDIATE takes the write lock up front (waiting up to the
// busy_timeout), so reads inside it see the latest data and later writes cannot hit
// SQLITE_BUSY_SNAPSHOT. Rolls back on destruction unless Commit() succeeded.
class SqliteTxn {
 public:
  // kUnavailable if another connection kept the write lock past the busy timeout.
  static Result<SqliteTxn> Begin(sqlite3* db);
  ~SqliteTxn();
  SqliteTxn(SqliteTxn&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  SqliteTxn& operator=(SqliteTxn&&) = delete;
  SqliteTxn(const SqliteTxn&) = delete;
  SqliteTxn& operator=(const SqliteTxn&) = delete;

  // Commits. On failure the transaction is rolled back by the destructor.
  Status Commit();

 private:
  explicit SqliteTxn(sqlite3* db) : db_(db) {}
  sqlite3* db_;  // null once committed or moved from
};

}  // namespace mqchat::store
