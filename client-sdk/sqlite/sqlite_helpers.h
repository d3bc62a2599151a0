// The SQLite helpers of the plugin's SQLite stores and the SDK's local cache (target
// mqchat_sqlite): opening a database, preparing, binding, stepping, reading columns,
// transactions, and the one place sqlite result codes become Status. The RAII handles
// (SqliteDbPtr, SqliteStmtPtr, StmtReset) are in sqlite/sqlite_handles.h. A connection and its
// statements belong to one thread at a time, unless opened with `serialized` (the SDK cache,
// which also holds its own lock).
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqchat/status.h"
#include "sqlite/sqlite_handles.h"

namespace mqchat {

// Converts a (possibly extended) sqlite result code into a Status whose message starts with
// `what`: SQLITE_BUSY/LOCKED -> kUnavailable, UNIQUE/PRIMARY KEY constraint -> kAlreadyExists,
// anything else -> kInternal. `db` may be null. Returns OK for SQLITE_OK/ROW/DONE.
Status SqliteStatus(sqlite3* db, int rc, std::string_view what);

struct SqliteOpenOptions {
  // synchronous=FULL: the WAL is synced on every commit, so a commit survives power loss.
  // Otherwise synchronous=NORMAL: a commit survives a crash of the process, not of the machine,
  // and costs no fsync.
  bool sync_every_commit = true;
  // SQLITE_OPEN_FULLMUTEX (sqlite serializes calls from several threads) instead of
  // SQLITE_OPEN_NOMUTEX (the connection is confined to one thread at a time).
  bool serialized = false;
  // Creates a missing database file readable and writable by its owner only (0600), not with
  // sqlite's 0644: SQLite gives the -wal and -shm files the database file's mode. An existing
  // file keeps its mode.
  bool owner_only = false;
};

// Opens (creating if missing) the database file at `path`, with extended result codes, a busy
// handler retrying every millisecond for about kSqliteBusyWait, journal_mode=WAL, foreign_keys=ON
// and `options`. ":memory:" is accepted (its journal mode stays "memory").
Result<SqliteDbPtr> OpenSqlite(const std::string& path, const SqliteOpenOptions& options = {});

// How long a statement waits for another connection's lock before SQLITE_BUSY, retrying every
// millisecond (OpenSqlite's default is kSqliteBusyWait).
inline constexpr std::chrono::milliseconds kSqliteBusyWait{5000};
Status SetSqliteBusyWait(sqlite3* db, std::chrono::milliseconds wait);

// Switches database `schema` of `db` ("main", or an attached one) to WAL: Internal if its
// journal mode is then anything else (an in-memory database keeps "memory", which is accepted).
// The switch answers SQLITE_BUSY without asking the busy handler while another connection
// converts or writes the file, so it is retried every millisecond for about kSqliteBusyWait.
Status EnableSqliteWal(sqlite3* db, const std::string& schema);

// The first column of the first row of `sql` as an integer, or nullopt if it has no row.
Result<std::optional<int64_t>> QuerySqliteInt64(sqlite3* db, const char* sql);

// Creates `path` as an empty file with mode 0600 unless it exists (SQLite takes an empty file
// for a new database); never opens an existing one.
Status CreateSqliteFileOwnerOnly(const std::string& path);

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

// Binds one value: integers as int64, text as text.
inline Status BindValue(sqlite3_stmt* stmt, int index, int64_t value) {
  return BindInt64(stmt, index, value);
}
inline Status BindValue(sqlite3_stmt* stmt, int index, std::string_view value) {
  return BindText(stmt, index, value);
}

// Binds `args` to ?1, ?2, ... in order.
template <typename... Args>
Status BindAll(sqlite3_stmt* stmt, const Args&... args) {
  if constexpr (sizeof...(Args) == 0) {
    (void)stmt;
    return Status::Ok();
  } else {
    Status status;
    int index = 0;
    ((status = status.ok() ? BindValue(stmt, ++index, args) : status), ...);
    return status;
  }
}

// Binds and steps once: true if a row is available. The caller holds a StmtReset for `stmt`
// while it reads the row (and the rows after it).
template <typename... Args>
Result<bool> BindAndStep(sqlite3_stmt* stmt, const Args&... args) {
  MQCHAT_RETURN_IF_ERROR(BindAll(stmt, args...));
  return StepSqlite(stmt);
}

// Binds and runs a statement that returns no rows, then resets it.
template <typename... Args>
Status BindAndRun(sqlite3_stmt* stmt, const Args&... args) {
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, args...));
  (void)has_row;
  return Status::Ok();
}

// A write transaction: by default BEGIN IMMEDIATE takes the write lock up front (the busy
// handler waits up to about 5 s), so reads inside it see the latest data and later writes cannot
// hit SQLITE_BUSY_SNAPSHOT. A deferred one is for a connection that is the only writer of what it
// writes (an attached file of its own). Rolls back on destruction unless Commit() succeeded.
class SqliteTxn {
 public:
  // kImmediate takes the write lock of every database of the connection (main and attached) at
  // once; kDeferred only those its statements write, as they write them.
  enum class Lock { kImmediate, kDeferred };
  // kUnavailable if another connection kept the write lock past the busy timeout.
  static Result<SqliteTxn> Begin(sqlite3* db, Lock lock = Lock::kImmediate);
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

}  // namespace mqchat
