// mqchatctl backup / restore for the SQLite store (docs/OPERATIONS.md, "Backups"). A backup is
// a consistent copy made with SQLite's online backup API while the broker runs: one read
// transaction over the whole file, which in WAL mode never blocks the broker's writer, so
// every message acked before the backup began is in it. PostgreSQL is backed up with its own
// tools (pg_dump, base backups); these commands refuse it and say so. Main thread.
#pragma once

#include <string>

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::ctl {

// What a finished backup or restore holds, for the operator's one-line report.
struct BackupSummary {
  int schema_version = 0;
  int64_t messages = 0;  // message rows (events included)
  int64_t bytes = 0;     // the copy's size
};

// Copies the store `config` names (an existing SQLite file) to `out_path`, which must not
// exist (kAlreadyExists), created private to this user (0600), then checks the copy's
// integrity. kInvalidArgument for a PostgreSQL store.
Result<BackupSummary> BackupSqlite(const store::StoreConfig& config, const std::string& out_path);

// Makes the SQLite store `config` names from the backup `from_path`: the target must not exist
// (nor its -wal file): move the old database away with the broker stopped first. The backup
// is checked (integrity, an mqchat schema) before anything is written.
Result<BackupSummary> RestoreSqlite(const store::StoreConfig& config, const std::string& from_path);

}  // namespace mqchat::ctl
