// CommunitySql on PostgreSQL (store/community_sql.h): one connection (re-established after a
// loss, PgConnection), each statement run with its parameters, unprepared: community changes
// are administrative and rare, and the permission reads the channel ACL needs are cached by
// the plugin. ?N placeholders are rewritten to $N once per statement.
#pragma once

#include <map>
#include <string>

#include "store/community_sql.h"
#include "store/pg/pg_handles.h"

namespace mqchat::store {

class PgCommunitySql final : public CommunitySql {
 public:
  static Result<std::unique_ptr<PgCommunitySql>> Create(PgConnPtr conn);

  Result<std::vector<SqlRow>> Query(const char* sql, const std::vector<SqlValue>& params) override;
  Status Begin() override;
  Status Commit() override;
  void Rollback() override;

 private:
  explicit PgCommunitySql(PgConnection conn) : conn_(std::move(conn)) {}

  PgConnection conn_;
  bool in_txn_ = false;
  std::map<const char*, std::string> rewritten_;  // ?N -> $N, by the constant's address
};

}  // namespace mqchat::store
