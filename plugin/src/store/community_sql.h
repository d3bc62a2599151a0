// CommunitySql: the little a backend gives the community store (sql_community_store.h): run
// one constant statement with bound values and return its rows as text, and a transaction.
// The statements are written once, in the SQL both SQLite and PostgreSQL accept, with ?1, ?2,
// ... placeholders (PostgreSQL's runner spells them $1, $2, ...). Values are bound, never
// spliced in. Confined to one thread, like the connection behind it.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "mqchat/status.h"

namespace mqchat::store {

using SqlValue = std::variant<int64_t, std::string>;

// One result row: every cell as text (integers in decimal); NULL reads as "".
struct SqlRow {
  std::vector<std::string> cells;
  const std::string& Text(size_t i) const { return cells.at(i); }
  int64_t Int(size_t i) const { return std::strtoll(cells.at(i).c_str(), nullptr, 10); }
};

class CommunitySql {
 public:
  virtual ~CommunitySql() = default;
  // Runs `sql` (a constant that outlives the runner: prepared statements are cached by its
  // address) with `params` bound to ?1.. in order; all its rows.
  virtual Result<std::vector<SqlRow>> Query(const char* sql,
                                            const std::vector<SqlValue>& params) = 0;
  // A write transaction around several statements (SQLite: BEGIN IMMEDIATE).
  virtual Status Begin() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
};

using CommunitySqlPtr = std::unique_ptr<CommunitySql>;

}  // namespace mqchat::store
