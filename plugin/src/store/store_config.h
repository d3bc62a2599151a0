// StoreConfig: which database backs the plugin and mqchatctl, and how to reach it.
#pragma once

#include <string>

namespace mqchat::store {

enum class Backend { kSqlite, kPostgres };

struct StoreConfig {
  Backend backend = Backend::kSqlite;
  std::string sqlite_path;  // file path; created if missing (backend kSqlite)
  // False: the SQLite file must already exist (read-only and per-user commands of mqchatctl
  // never create a store); opening a missing one fails naming the file and how to create it.
  bool create_if_missing = true;
  std::string pg_conninfo;  // libpq conninfo string (backend kPostgres)
};

}  // namespace mqchat::store
