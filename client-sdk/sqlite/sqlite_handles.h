// RAII for sqlite3 handles, shared by the plugin's SQLite stores and the SDK's local cache
// (target mqchat_sqlite; the calls that use them are in sqlite/sqlite_helpers.h): the
// connection, prepared statements, and a guard that resets a statement after use. A connection and its statements belong to one thread at a time.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace mqchat {

struct SqliteDbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct SqliteStmtFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using SqliteDbPtr = std::unique_ptr<sqlite3, SqliteDbCloser>;
using SqliteStmtPtr = std::unique_ptr<sqlite3_stmt, SqliteStmtFinalizer>;

// Resets a prepared statement and clears its bindings when the scope ends, so a statement
// built once at open can be reused whatever path the caller returns by (bind -> step -> reset).
class StmtReset {
 public:
  explicit StmtReset(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~StmtReset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  StmtReset(const StmtReset&) = delete;
  StmtReset& operator=(const StmtReset&) = delete;

 private:
  sqlite3_stmt* stmt_;
};

}  // namespace mqchat
