// The numbered migration files of schema/sqlite and schema/postgres, embedded at build time.
// Immutable data; safe from any thread.
#pragma once

#include <string_view>
#include <vector>

namespace mqchat::schema {

struct Migration {
  int version;           // the file's number: 001_init.sql is version 1
  std::string_view name; // file name, e.g. "001_init.sql"
  std::string_view sql;  // the whole file
};

// Migrations in ascending version order.
const std::vector<Migration>& SqliteMigrations();
const std::vector<Migration>& PostgresMigrations();

}  // namespace mqchat::schema
