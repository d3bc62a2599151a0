#include "backup.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace mqchat::ctl {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

constexpr int kBusyTimeoutMs = 10000;  // the broker's writer commits in milliseconds

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Status SqliteError(sqlite3* db, const std::string& what) {
  return Status::Unavailable(what + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

Result<Db> Open(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return SqliteError(raw, "cannot open " + path);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);
  return db;
}

// Creates `path` empty and private to this user; kAlreadyExists if anything is there.
Status CreatePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Status::AlreadyExists(path + " exists; choose a new file");
    return Status::Unavailable("cannot create " + path + ": " + std::strerror(errno));
  }
  ::close(fd);
  return Status::Ok();
}

// Runs one query returning one integer.
Result<int64_t> QueryInt(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) {
    return SqliteError(db, std::string("not an mqchat database (") + sql + ")");
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (sqlite3_step(raw) != SQLITE_ROW) return SqliteError(db, sql);
  return static_cast<int64_t>(sqlite3_column_int64(raw, 0));
}

// Checks that `db` is a whole mqchat database and says what it holds.
Result<BackupSummary> Inspect(sqlite3* db, const std::string& path) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &raw, nullptr) != SQLITE_OK) {
    return SqliteError(db, "integrity check of " + path);
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  if (sqlite3_step(raw) != SQLITE_ROW) return SqliteError(db, "integrity check of " + path);
  const auto* verdict = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
  if (verdict == nullptr || std::string(verdict) != "ok") {
    return Status::InvalidArgument(path + " is damaged: " + (verdict ? verdict : "?"));
  }
  BackupSummary summary;
  MQCHAT_ASSIGN_OR_RETURN(int64_t version,
                          QueryInt(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  summary.schema_version = static_cast<int>(version);
  MQCHAT_ASSIGN_OR_RETURN(summary.messages, QueryInt(db, "SELECT COUNT(*) FROM messages"));
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) summary.bytes = st.st_size;
  return summary;
}

// Copies every page of `from` into `to` in one step: one read transaction on `from` (in WAL
// mode it never blocks its writer, and no later write can restart the copy).
Status CopyAll(sqlite3* from, sqlite3* to, const std::string& what) {
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (backup == nullptr) return SqliteError(to, what);
  int rc;
  do {
    rc = sqlite3_backup_step(backup, -1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) sqlite3_sleep(10);  // bounded by the timeout
  } while (rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  const int finished = sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE || finished != SQLITE_OK) return SqliteError(to, what);
  return Status::Ok();
}

Status RequireSqlite(const store::StoreConfig& config) {
  if (config.backend != store::Backend::kSqlite) {
    return Status::InvalidArgument(
        "backup and restore are for the SQLite store; back PostgreSQL up with pg_dump or a base "
        "backup (docs/OPERATIONS.md, Backups)");
  }
  return Status::Ok();
}

}  // namespace

Result<BackupSummary> BackupSqlite(const store::StoreConfig& config, const std::string& out_path) {
  MQCHAT_RETURN_IF_ERROR(RequireSqlite(config));
  if (!Exists(config.sqlite_path)) {
    return Status::NotFound(config.sqlite_path + " does not exist");
  }
  MQCHAT_ASSIGN_OR_RETURN(Db from, Open(config.sqlite_path, SQLITE_OPEN_READWRITE));
  MQCHAT_RETURN_IF_ERROR(CreatePrivateFile(out_path));
  auto copied = [&]() -> Result<BackupSummary> {
    MQCHAT_ASSIGN_OR_RETURN(Db to, Open(out_path, SQLITE_OPEN_READWRITE));
    MQCHAT_RETURN_IF_ERROR(CopyAll(from.get(), to.get(), "backup to " + out_path));
    // One self-contained file (no -wal beside it), to copy off the machine as it is; the
    // broker turns WAL on again when it opens a restored store.
    if (sqlite3_exec(to.get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) !=
        SQLITE_OK) {
      return SqliteError(to.get(), "backup to " + out_path);
    }
    return Inspect(to.get(), out_path);
  }();
  if (!copied.ok()) ::unlink(out_path.c_str());  // never leave half a backup behind
  return copied;
}

Result<BackupSummary> RestoreSqlite(const store::StoreConfig& config, const std::string& from_path) {
  MQCHAT_RETURN_IF_ERROR(RequireSqlite(config));
  const std::string& target = config.sqlite_path;
  if (Exists(target) || Exists(target + "-wal")) {
    return Status::AlreadyExists(target + " exists: stop the broker and move the old database "
                                 "(and its -wal and -shm files) away first");
  }
  if (!Exists(from_path)) return Status::NotFound(from_path + " does not exist");
  MQCHAT_ASSIGN_OR_RETURN(Db from, Open(from_path, SQLITE_OPEN_READONLY));
  MQCHAT_RETURN_IF_ERROR(Inspect(from.get(), from_path).status());
  MQCHAT_RETURN_IF_ERROR(CreatePrivateFile(target));
  auto copied = [&]() -> Result<BackupSummary> {
    MQCHAT_ASSIGN_OR_RETURN(Db to, Open(target, SQLITE_OPEN_READWRITE));
    MQCHAT_RETURN_IF_ERROR(CopyAll(from.get(), to.get(), "restore to " + target));
    return Inspect(to.get(), target);
  }();
  if (!copied.ok()) ::unlink(target.c_str());
  return copied;
}

}  // namespace mqchat::ctl
