// RAII for the SDK's sqlite3 handles: the connection, prepared statements, and a reset guard
// that always runs after a step (bind -> step -> reset). Used by local_cache.cpp only.
#pragma once

#include <sqlite3.h>

#include <memory>
#include <string>

#include "mqchat/status.h"

namespace mqchat::sdk {

struct SqliteCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* stmt) const noexcept { sqlite3_finalize(stmt); }
};
using SqlitePtr = std::unique_ptr<sqlite3, SqliteCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

// Resets the statement and clears its bindings when the scope ends.
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

// kFailedPrecondition naming `what` and SQLite's message; SQLITE_BUSY/LOCKED are kUnavailable.
inline Status SqliteError(sqlite3* db, int rc, const std::string& what) {
  std::string msg = "cache: " + what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return Status::Unavailable(std::move(msg));
  return Status::FailedPrecondition(std::move(msg));
}

}  // namespace mqchat::sdk
