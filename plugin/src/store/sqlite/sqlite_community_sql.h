// CommunitySql on SQLite (store/community_sql.h): one connection, each statement prepared on
// first use and kept. Confined to the thread that uses it.
#pragma once

#include <map>

#include "sqlite/sqlite_helpers.h"
#include "store/community_sql.h"

namespace mqchat::store {

class SqliteCommunitySql final : public CommunitySql {
 public:
  explicit SqliteCommunitySql(SqliteDbPtr db) : db_(std::move(db)) {}

  Result<std::vector<SqlRow>> Query(const char* sql, const std::vector<SqlValue>& params) override;
  Status Begin() override;
  Status Commit() override;
  void Rollback() override;

 private:
  SqliteDbPtr db_;  // declared first: destroyed after the statements
  std::map<const char*, SqliteStmtPtr> statements_;
};

}  // namespace mqchat::store
