#include "store/pg/pg_community_sql.h"

#include <utility>

namespace mqchat::store {

Result<std::unique_ptr<PgCommunitySql>> PgCommunitySql::Create(PgConnPtr conn) {
  MQCHAT_ASSIGN_OR_RETURN(PgConnection c, PgConnection::Create(std::move(conn), {}));
  return std::unique_ptr<PgCommunitySql>(new PgCommunitySql(std::move(c)));
}

Result<std::vector<SqlRow>> PgCommunitySql::Query(const char* sql,
                                                  const std::vector<SqlValue>& params) {
  // Outside a transaction a lost connection is re-established first; inside one, a loss fails
  // the transaction (the caller's Rollback, then a retry by the client).
  if (!in_txn_) MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  auto it = rewritten_.find(sql);
  if (it == rewritten_.end()) {
    it = rewritten_.emplace(sql, PgPlaceholders(sql)).first;
  }
  PgParams pg;
  for (const SqlValue& v : params) {
    if (std::holds_alternative<int64_t>(v)) {
      pg.Int(std::get<int64_t>(v));
    } else {
      pg.Text(std::get<std::string>(v));
    }
  }
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecParams(conn_.get(), it->second.c_str(), pg));
  std::vector<SqlRow> rows;
  const int n = PQntuples(res.get());
  const int cols = PQnfields(res.get());
  rows.reserve(static_cast<size_t>(n));
  for (int r = 0; r < n; ++r) {
    SqlRow row;
    for (int c = 0; c < cols; ++c) row.cells.push_back(PgText(res.get(), r, c));
    rows.push_back(std::move(row));
  }
  return rows;
}

Status PgCommunitySql::Begin() {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecPgSql(conn_.get(), "BEGIN"));
  in_txn_ = true;
  return Status::Ok();
}

Status PgCommunitySql::Commit() {
  in_txn_ = false;
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecPgSql(conn_.get(), "COMMIT"));
  // COMMIT of an aborted transaction answers ROLLBACK, not an error.
  if (std::string(PQcmdStatus(res.get())) != "COMMIT") {
    return Status::Internal("community transaction was rolled back");
  }
  return Status::Ok();
}

void PgCommunitySql::Rollback() {
  if (!in_txn_) return;
  in_txn_ = false;
  (void)ExecPgSql(conn_.get(), "ROLLBACK");
}

}  // namespace mqchat::store
