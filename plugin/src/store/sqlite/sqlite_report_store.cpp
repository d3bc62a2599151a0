#include "store/sqlite/sqlite_report_store.h"

#include <utility>

namespace mqchat::store {
namespace {

// Every report-reading statement returns these columns in this order (see ReadRow).
#define MQCHAT_REPORT_COLUMNS                                                               \
  "report_id, reporter, client_msg_id, reported_user, conversation_id, message_seq, "       \
  "message_text, reason, details, created_at_ms, resolved_at_ms, resolution"

// Inserts nothing if the reported user does not exist or the key was used (told apart by
// looking the key up).
constexpr char kInsert[] =
    "INSERT INTO reports (reporter, client_msg_id, reported_user, conversation_id, "
    "message_seq, message_text, reason, details, created_at_ms) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 "
    "WHERE EXISTS (SELECT 1 FROM users WHERE username = ?3) "
    "ON CONFLICT (reporter, client_msg_id) DO NOTHING RETURNING " MQCHAT_REPORT_COLUMNS;
constexpr char kByKey[] = "SELECT " MQCHAT_REPORT_COLUMNS
                          " FROM reports WHERE reporter = ?1 AND client_msg_id = ?2";
constexpr char kById[] = "SELECT " MQCHAT_REPORT_COLUMNS " FROM reports WHERE report_id = ?1";
constexpr char kListAll[] = "SELECT " MQCHAT_REPORT_COLUMNS " FROM reports ORDER BY report_id";
constexpr char kListOpen[] = "SELECT " MQCHAT_REPORT_COLUMNS
                             " FROM reports WHERE resolved_at_ms IS NULL ORDER BY report_id";
constexpr char kResolve[] =
    "UPDATE reports SET resolved_at_ms = ?2, resolution = ?3 "
    "WHERE report_id = ?1 AND resolved_at_ms IS NULL";

Report ReadRow(sqlite3_stmt* stmt) {
  Report r;
  r.id = ColumnInt64(stmt, 0);
  r.filed.reporter = ColumnText(stmt, 1);
  r.filed.client_msg_id = ColumnText(stmt, 2);
  r.filed.reported_user = ColumnText(stmt, 3);
  if (sqlite3_column_type(stmt, 4) != SQLITE_NULL) {
    r.filed.message = ReportedMessage{ColumnInt64(stmt, 4), ColumnInt64(stmt, 5),
                                      ColumnText(stmt, 6)};
  }
  r.filed.reason = ColumnText(stmt, 7);
  r.filed.details = ColumnText(stmt, 8);
  r.filed.created_at_ms = ColumnInt64(stmt, 9);
  if (sqlite3_column_type(stmt, 10) != SQLITE_NULL) r.resolved_at_ms = ColumnInt64(stmt, 10);
  r.resolution = ColumnText(stmt, 11);
  return r;
}

}  // namespace

Result<std::unique_ptr<SqliteReportStore>> SqliteReportStore::Create(SqliteDbPtr db) {
  if (db == nullptr) return Status::InvalidArgument("SqliteReportStore needs a database");
  std::unique_ptr<SqliteReportStore> store(new SqliteReportStore(std::move(db)));
  MQCHAT_RETURN_IF_ERROR(store->PrepareAll());
  return store;
}

Status SqliteReportStore::PrepareAll() {
  sqlite3* db = db_.get();
  MQCHAT_ASSIGN_OR_RETURN(insert_, PrepareSqlite(db, kInsert));
  MQCHAT_ASSIGN_OR_RETURN(by_key_, PrepareSqlite(db, kByKey));
  MQCHAT_ASSIGN_OR_RETURN(by_id_, PrepareSqlite(db, kById));
  MQCHAT_ASSIGN_OR_RETURN(list_all_, PrepareSqlite(db, kListAll));
  MQCHAT_ASSIGN_OR_RETURN(list_open_, PrepareSqlite(db, kListOpen));
  MQCHAT_ASSIGN_OR_RETURN(resolve_, PrepareSqlite(db, kResolve));
  return Status::Ok();
}

Result<std::vector<Report>> SqliteReportStore::ReadReports(sqlite3_stmt* stmt) {
  std::vector<Report> out;
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
    if (!has_row) return out;
    out.push_back(ReadRow(stmt));
  }
}

Result<FiledReport> SqliteReportStore::FileReport(const NewReport& r) {
  {
    sqlite3_stmt* stmt = insert_.get();
    StmtReset reset(stmt);
    MQCHAT_RETURN_IF_ERROR(BindText(stmt, 1, r.reporter));
    MQCHAT_RETURN_IF_ERROR(BindText(stmt, 2, r.client_msg_id));
    MQCHAT_RETURN_IF_ERROR(BindText(stmt, 3, r.reported_user));
    if (r.message) {
      MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 4, r.message->conversation_id));
      MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 5, r.message->seq));
      MQCHAT_RETURN_IF_ERROR(BindText(stmt, 6, r.message->text));
    } else {
      for (int i : {4, 5, 6}) MQCHAT_RETURN_IF_ERROR(BindNull(stmt, i));
    }
    MQCHAT_RETURN_IF_ERROR(BindText(stmt, 7, r.reason));
    MQCHAT_RETURN_IF_ERROR(BindText(stmt, 8, r.details));
    MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 9, r.created_at_ms));
    MQCHAT_ASSIGN_OR_RETURN(std::vector<Report> inserted, ReadReports(stmt));
    if (!inserted.empty()) return FiledReport{std::move(inserted.front()), false};
  }
  sqlite3_stmt* stmt = by_key_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindText(stmt, 1, r.reporter));
  MQCHAT_RETURN_IF_ERROR(BindText(stmt, 2, r.client_msg_id));
  MQCHAT_ASSIGN_OR_RETURN(std::vector<Report> existing, ReadReports(stmt));
  if (existing.empty()) return Status::NotFound("no such user: " + r.reported_user);
  return FiledReport{std::move(existing.front()), true};
}

Result<std::vector<Report>> SqliteReportStore::ListReports(bool open_only) {
  sqlite3_stmt* stmt = open_only ? list_open_.get() : list_all_.get();
  StmtReset reset(stmt);
  return ReadReports(stmt);
}

Status SqliteReportStore::ResolveReport(int64_t id, const std::string& resolution,
                                        int64_t now_ms) {
  {
    sqlite3_stmt* stmt = resolve_.get();
    StmtReset reset(stmt);
    MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 1, id));
    MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 2, now_ms));
    MQCHAT_RETURN_IF_ERROR(BindText(stmt, 3, resolution));
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
    (void)has_row;
    if (sqlite3_changes(db_.get()) > 0) return Status::Ok();
  }
  sqlite3_stmt* stmt = by_id_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 1, id));
  MQCHAT_ASSIGN_OR_RETURN(std::vector<Report> found, ReadReports(stmt));
  if (found.empty()) return Status::NotFound("no report " + std::to_string(id));
  return Status::FailedPrecondition("report " + std::to_string(id) + " is resolved already");
}

}  // namespace mqchat::store
