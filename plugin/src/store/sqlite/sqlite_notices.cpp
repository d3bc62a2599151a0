#include "store/sqlite/sqlite_notices.h"

namespace mqchat::store {
namespace {

// A profile notice reads the user's profile with it (NoticeProfile).
constexpr const char* kColumns =
    "SELECT n.notice_id, n.kind, n.conversation_id, n.seq, n.username, n.device_id, "
    "n.created_at_ms, COALESCE(p.display_name, ''), COALESCE(p.status_text, ''), "
    "COALESCE(p.avatar_id, ''), COALESCE(p.avatar_type, ''), COALESCE(p.updated_at_ms, 0) "
    "FROM broker_notices n LEFT JOIN profiles p ON n.kind = 4 AND p.username = n.username ";

Result<std::vector<BrokerNotice>> ReadNotices(sqlite3_stmt* stmt) {
  std::vector<BrokerNotice> out;
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(bool row, StepSqlite(stmt));
    if (!row) break;
    BrokerNotice n;
    n.id = ColumnInt64(stmt, 0);
    n.kind = static_cast<NoticeKind>(ColumnInt64(stmt, 1));
    n.conversation_id = ColumnInt64(stmt, 2);
    n.seq = ColumnInt64(stmt, 3);
    n.username = ColumnText(stmt, 4);
    n.device_id = ColumnText(stmt, 5);
    n.created_at_ms = ColumnInt64(stmt, 6);
    n.profile.display_name = ColumnText(stmt, 7);
    n.profile.status_text = ColumnText(stmt, 8);
    n.profile.avatar_id = ColumnText(stmt, 9);
    n.profile.avatar_type = ColumnText(stmt, 10);
    n.profile.updated_at_ms = ColumnInt64(stmt, 11);
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace

Status InsertNoticesSqlite(sqlite3* db, const std::vector<BrokerNotice>& notices) {
  if (notices.empty()) return Status::Ok();
  MQCHAT_ASSIGN_OR_RETURN(
      SqliteStmtPtr stmt,
      PrepareSqlite(db,
                    "INSERT INTO broker_notices (kind, conversation_id, seq, username, "
                    "device_id, created_at_ms) VALUES (?, ?, ?, ?, ?, ?)"));
  for (const BrokerNotice& n : notices) {
    MQCHAT_RETURN_IF_ERROR(BindAndRun(stmt.get(), static_cast<int64_t>(n.kind),
                                      n.conversation_id, n.seq, n.username, n.device_id,
                                      n.created_at_ms));
  }
  return Status::Ok();
}

Result<std::vector<BrokerNotice>> NoticesSinceSqlite(sqlite3* db, int64_t after_id, int limit) {
  MQCHAT_ASSIGN_OR_RETURN(
      SqliteStmtPtr stmt,
      PrepareSqlite(db,
                    std::string(kColumns) + "WHERE n.notice_id > ? ORDER BY n.notice_id LIMIT ?"));
  MQCHAT_RETURN_IF_ERROR(BindAll(stmt.get(), after_id, static_cast<int64_t>(limit)));
  return ReadNotices(stmt.get());
}

Result<int64_t> LastNoticeIdSqlite(sqlite3* db) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteStmtPtr stmt,
                          PrepareSqlite(db, "SELECT COALESCE(MAX(notice_id), 0) FROM broker_notices"));
  MQCHAT_ASSIGN_OR_RETURN(bool row, StepSqlite(stmt.get()));
  return row ? ColumnInt64(stmt.get(), 0) : int64_t{0};
}

Result<std::vector<BrokerNotice>> SignOutsSinceSqlite(sqlite3* db, int64_t since_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      SqliteStmtPtr stmt,
      PrepareSqlite(db, std::string(kColumns) +
                            "WHERE n.kind = 2 AND n.created_at_ms >= ? ORDER BY n.notice_id"));
  MQCHAT_RETURN_IF_ERROR(BindAll(stmt.get(), since_ms));
  return ReadNotices(stmt.get());
}

Status PruneNoticesSqlite(sqlite3* db, int64_t before_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      SqliteStmtPtr stmt,
      PrepareSqlite(db, "DELETE FROM broker_notices WHERE created_at_ms < ?"));
  return BindAndRun(stmt.get(), before_ms);
}

}  // namespace mqchat::store
