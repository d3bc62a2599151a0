#include "store/sqlite/sqlite_community_sql.h"

#include <utility>

namespace mqchat::store {

Result<std::vector<SqlRow>> SqliteCommunitySql::Query(const char* sql,
                                                      const std::vector<SqlValue>& params) {
  auto it = statements_.find(sql);
  if (it == statements_.end()) {
    MQCHAT_ASSIGN_OR_RETURN(SqliteStmtPtr stmt, PrepareSqlite(db_.get(), sql));
    it = statements_.emplace(sql, std::move(stmt)).first;
  }
  sqlite3_stmt* stmt = it->second.get();
  StmtReset reset(stmt);
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i) + 1;
    Status s = std::holds_alternative<int64_t>(params[i])
                   ? BindInt64(stmt, index, std::get<int64_t>(params[i]))
                   : BindText(stmt, index, std::get<std::string>(params[i]));
    MQCHAT_RETURN_IF_ERROR(s);
  }
  std::vector<SqlRow> rows;
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
    if (!has_row) return rows;
    SqlRow row;
    const int n = sqlite3_column_count(stmt);
    for (int c = 0; c < n; ++c) row.cells.push_back(ColumnText(stmt, c));
    rows.push_back(std::move(row));
  }
}

Status SqliteCommunitySql::Begin() { return ExecSqlite(db_.get(), "BEGIN IMMEDIATE"); }

Status SqliteCommunitySql::Commit() { return ExecSqlite(db_.get(), "COMMIT"); }

void SqliteCommunitySql::Rollback() {
  if (sqlite3_get_autocommit(db_.get()) == 0) (void)ExecSqlite(db_.get(), "ROLLBACK");
}

}  // namespace mqchat::store
