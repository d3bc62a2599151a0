// StoreConfig: which database backs the plugin and mqchatctl, and how to reach it.
#pragma once

#include <string>

namespace mqchat::store {

enum class Backend { kSqlite, kPostgres };

struct StoreConfig {
  Backend backend = Backend::kSqlite;
  std::string sqlite_path;  // file path; created if missing (backend kSqlite)
  std::string pg_conninfo;  // libpq conninfo string (backend kPostgres)
};

}  // namespace mqchat::store
