// ReportStore on SQLite (store/report_store.h). Owns one connection; confined to the thread
// that uses it. Build it through store_factory.h, which also applies the migrations.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sqlite/sqlite_helpers.h"
#include "store/report_store.h"

namespace mqchat::store {

class SqliteReportStore final : public ReportStore {
 public:
  // Prepares every statement on `db`, which must already be at the newest schema.
  static Result<std::unique_ptr<SqliteReportStore>> Create(SqliteDbPtr db);

  // ReportStore
  Result<FiledReport> FileReport(const NewReport& r) override;
  Result<std::vector<Report>> ListReports(bool open_only) override;
  Status ResolveReport(int64_t id, const std::string& resolution, int64_t now_ms) override;

 private:
  explicit SqliteReportStore(SqliteDbPtr db) : db_(std::move(db)) {}
  Status PrepareAll();
  // Steps a bound statement that returns report rows and collects them.
  static Result<std::vector<Report>> ReadReports(sqlite3_stmt* stmt);

  SqliteDbPtr db_;  // declared first: destroyed after the statements below
  SqliteStmtPtr insert_;
  SqliteStmtPtr by_key_;
  SqliteStmtPtr by_id_;
  SqliteStmtPtr list_all_;
  SqliteStmtPtr list_open_;
  SqliteStmtPtr resolve_;
};

}  // namespace mqchat::store
