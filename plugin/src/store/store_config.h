// StoreConfig: which database backs the plugin and mqchatctl, and how to reach it.
#pragma once

#include <string>
#include <vector>

namespace mqchat::store {

enum class Backend { kSqlite, kPostgres };

// One PostgreSQL shard of the conversations (store/shard_map.h): where it is, and its share of
// the new conversations. Its place in the list is its number, kept in the shard directory:
// shards are only ever appended to the list, never reordered or removed.
struct PgShard {
  std::string conninfo;
  int weight = 1;  // 0: takes no new conversations (keeps serving its own)
};

struct StoreConfig {
  Backend backend = Backend::kSqlite;
  std::string sqlite_path;  // file path; created if missing (backend kSqlite)
  // False: the SQLite file must already exist (read-only and per-user commands of mqchatctl
  // never create a store); opening a missing one fails naming the file and how to create it.
  bool create_if_missing = true;
  std::string pg_conninfo;  // libpq conninfo string (backend kPostgres)
  // Backend kPostgres only: empty, every conversation is in pg_conninfo's database (one
  // PostgreSQL). Otherwise each new conversation goes to one of these shards and pg_conninfo's
  // database is the global one: users, devices, push targets, communities and the
  // conversation -> shard directory (docs/ARCHITECTURE.md, "Sharding by conversation").
  std::vector<PgShard> pg_shards;
};

}  // namespace mqchat::store
