#include "sqlite/sqlite_helpers.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <string>

namespace mqchat {
namespace {

// Busy handler: retry every millisecond, `arg` times (the wait in ms, carried in the pointer).
// sqlite3_busy_timeout's own handler sleeps 1, 2, 5, ... up to 100 ms between tries, so a
// writer that found the lock taken by a loop of short transactions with short gaps between them
// (the retention sweeper's batches) slept through most gaps and could wait for the whole loop.
int RetryEveryMillisecond(void* arg, int tries) {
  if (tries >= static_cast<int>(reinterpret_cast<intptr_t>(arg))) return 0;  // give up: BUSY
  sqlite3_sleep(1);
  return 1;
}

std::string Describe(sqlite3* db, int rc, std::string_view what) {
  // sqlite3_errmsg describes the most recent failure on `db`, which carries more detail
  // (constraint names, file paths) than the generic text for the code, when it is this one.
  const bool db_has_it = db != nullptr && sqlite3_errcode(db) == (rc & 0xff);
  const char* detail = db_has_it ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string msg(what);
  msg += ": ";
  msg += detail != nullptr ? detail : sqlite3_errstr(rc);
  msg += " (sqlite code ";
  msg += std::to_string(rc);
  msg += ")";
  const int primary = rc & 0xff;
  if (primary == SQLITE_READONLY || primary == SQLITE_PERM || primary == SQLITE_CANTOPEN) {
    // The usual cause on a first deploy: the file was created by root (mqchatctl run with
    // sudo) and the broker runs as mosquitto. Name the file and the fix.
    const char* file = db != nullptr ? sqlite3_db_filename(db, "main") : nullptr;
    msg += "; database ";
    msg += file != nullptr && *file != '\0' ? file : "file";
    msg +=
        ": owned by another user, or its folder not writable? run mqchatctl as the broker's "
        "user (e.g. sudo -u mosquitto mqchatctl ...), or give the file, its -wal and -shm "
        "and its folder to that user (chown mosquitto:)";
  }
  return msg;
}

// Reads the single text value a PRAGMA returns.
Result<std::string> PragmaValue(sqlite3* db, const char* sql) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteStmtPtr stmt, PrepareSqlite(db, sql));
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt.get()));
  if (!has_row) {
    return Status::Internal(std::string("no result from ") + sql);
  }
  return ColumnText(stmt.get(), 0);
}

}  // namespace

Status SqliteStatus(sqlite3* db, int rc, std::string_view what) {
  switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
      return Status::Ok();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(Describe(db, rc, what));
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists(Describe(db, rc, what));
      }
      return Status::Internal(Describe(db, rc, what));
    default:
      return Status::Internal(Describe(db, rc, what));
  }
}

// Never opens an existing file: closing any descriptor of a file drops every POSIX lock this
// process holds on it, including the locks of SQLite connections already open on the database:
// another process would then take itself for the last user and checkpoint and delete the WAL
// under them (commits lost).
Status CreateSqliteFileOwnerOnly(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::Ok();
    return Status::Internal("create sqlite database " + path + ": " + std::strerror(errno));
  }
  ::close(fd);  // a file no connection has opened yet holds no lock of ours
  return Status::Ok();
}

Status EnableSqliteWal(sqlite3* db, const std::string& schema) {
  const std::string pragma = "PRAGMA \"" + schema + "\".journal_mode=WAL";
  const auto deadline = std::chrono::steady_clock::now() + kSqliteBusyWait;
  Result<std::string> mode = PragmaValue(db, pragma.c_str());
  while (!mode.ok() && mode.status().code() == Code::kUnavailable &&
         std::chrono::steady_clock::now() < deadline) {
    sqlite3_sleep(1);
    mode = PragmaValue(db, pragma.c_str());
  }
  if (!mode.ok()) return mode.status();
  const char* file = sqlite3_db_filename(db, schema.c_str());
  const bool in_memory = file == nullptr || *file == '\0';
  if (*mode == "wal" || (in_memory && *mode == "memory")) return Status::Ok();
  return Status::Internal("could not enable WAL on " + (in_memory ? schema : std::string(file)) +
                          " (journal_mode is " + *mode + ")");
}

Result<std::optional<int64_t>> QuerySqliteInt64(sqlite3* db, const char* sql) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteStmtPtr stmt, PrepareSqlite(db, sql));
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt.get()));
  if (!has_row) return std::optional<int64_t>();
  return std::optional<int64_t>(ColumnInt64(stmt.get(), 0));
}

Result<SqliteDbPtr> OpenSqlite(const std::string& path, const SqliteOpenOptions& options) {
  if (options.owner_only && path != ":memory:") {
    MQCHAT_RETURN_IF_ERROR(CreateSqliteFileOwnerOnly(path));
  }
  sqlite3* raw = nullptr;
  // NOMUTEX unless asked: a connection confined to one thread would only pay for sqlite's
  // per-connection mutex.
  const int threading = options.serialized ? SQLITE_OPEN_FULLMUTEX : SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | threading, nullptr);
  SqliteDbPtr db(raw);  // sqlite returns a handle even on failure; it must still be closed
  if (rc != SQLITE_OK) {
    return SqliteStatus(db.get(), rc, "open sqlite database " + path);
  }
  sqlite3_extended_result_codes(db.get(), 1);
  MQCHAT_RETURN_IF_ERROR(SetSqliteBusyWait(db.get(), kSqliteBusyWait));

  MQCHAT_RETURN_IF_ERROR(EnableSqliteWal(db.get(), "main"));
  MQCHAT_RETURN_IF_ERROR(ExecSqlite(db.get(), options.sync_every_commit
                                                  ? "PRAGMA synchronous=FULL"
                                                  : "PRAGMA synchronous=NORMAL"));
  MQCHAT_RETURN_IF_ERROR(ExecSqlite(db.get(), "PRAGMA foreign_keys=ON"));
  return db;
}

Status SetSqliteBusyWait(sqlite3* db, std::chrono::milliseconds wait) {
  const auto tries =
      static_cast<intptr_t>(std::max<int64_t>(0, std::min<int64_t>(wait.count(), INT32_MAX)));
  return SqliteStatus(
      db, sqlite3_busy_handler(db, RetryEveryMillisecond, reinterpret_cast<void*>(tries)),
      "busy_handler");
}

Result<SqliteStmtPtr> PrepareSqlite(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  SqliteStmtPtr stmt(raw);
  if (rc != SQLITE_OK) {
    return SqliteStatus(db, rc, "prepare \"" + std::string(sql.substr(0, 60)) + "\"");
  }
  return stmt;
}

Status ExecSqlite(sqlite3* db, const char* sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  sqlite3_free(err);  // the same text is available from sqlite3_errmsg
  if (rc == SQLITE_OK) {
    return Status::Ok();
  }
  return SqliteStatus(db, rc, "exec \"" + std::string(sql).substr(0, 60) + "\"");
}

Result<bool> StepSqlite(sqlite3_stmt* stmt) {
  const int rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    return true;
  }
  if (rc == SQLITE_DONE) {
    return false;
  }
  sqlite3* db = sqlite3_db_handle(stmt);
  const char* sql = sqlite3_sql(stmt);
  return SqliteStatus(db, rc, "step \"" + std::string(sql ? sql : "").substr(0, 60) + "\"");
}

Status BindText(sqlite3_stmt* stmt, int index, std::string_view value) {
  return SqliteStatus(
      sqlite3_db_handle(stmt),
      sqlite3_bind_text64(stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8),
      "bind text");
}

Status BindBlob(sqlite3_stmt* stmt, int index, std::string_view value) {
  return SqliteStatus(
      sqlite3_db_handle(stmt),
      sqlite3_bind_blob64(stmt, index, value.data(), value.size(), SQLITE_TRANSIENT), "bind blob");
}

Status BindInt64(sqlite3_stmt* stmt, int index, int64_t value) {
  return SqliteStatus(sqlite3_db_handle(stmt), sqlite3_bind_int64(stmt, index, value),
                      "bind int64");
}

Status BindNull(sqlite3_stmt* stmt, int index) {
  return SqliteStatus(sqlite3_db_handle(stmt), sqlite3_bind_null(stmt, index), "bind null");
}

std::string ColumnText(sqlite3_stmt* stmt, int col) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
  if (text == nullptr) {
    return std::string();
  }
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, col)));
}

std::string ColumnBlob(sqlite3_stmt* stmt, int col) {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt, col));
  if (data == nullptr) {
    return std::string();
  }
  return std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt, col)));
}

Result<SqliteTxn> SqliteTxn::Begin(sqlite3* db, Lock lock) {
  MQCHAT_RETURN_IF_ERROR(ExecSqlite(db, lock == Lock::kImmediate ? "BEGIN IMMEDIATE" : "BEGIN"));
  return SqliteTxn(db);
}

SqliteTxn::~SqliteTxn() {
  // Also runs after a failed COMMIT (e.g. SQLITE_BUSY), which leaves the transaction open.
  if (db_ != nullptr && !sqlite3_get_autocommit(db_)) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

Status SqliteTxn::Commit() {
  if (db_ == nullptr) {
    return Status::Internal("SqliteTxn::Commit on a finished transaction");
  }
  MQCHAT_RETURN_IF_ERROR(ExecSqlite(db_, "COMMIT"));
  db_ = nullptr;
  return Status::Ok();
}

}  // namespace mqchat
