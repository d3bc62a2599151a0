// ReportStore on PostgreSQL (store/report_store.h). Owns one connection; confined to the
// thread that uses it. Build it through store_factory.h, which also applies the migrations.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/pg/pg_handles.h"
#include "store/report_store.h"

namespace mqchat::store {

class PgReportStore final : public ReportStore {
 public:
  // Prepares every statement on `conn`, whose database must already be at the newest schema.
  // If the connection is lost, the failing call returns kUnavailable and the next call
  // reconnects (and prepares again) before it runs.
  static Result<std::unique_ptr<PgReportStore>> Create(PgConnPtr conn);

  // ReportStore
  Result<FiledReport> FileReport(const NewReport& r) override;
  Result<std::vector<Report>> ListReports(bool open_only) override;
  Status ResolveReport(int64_t id, const std::string& resolution, int64_t now_ms) override;

 private:
  explicit PgReportStore(PgConnection conn) : conn_(std::move(conn)) {}
  // Runs one statement (each is one implicit transaction).
  Result<PgResultPtr> Run(const PgStatement& stmt, const PgParams& params);

  PgConnection conn_;
};

}  // namespace mqchat::store
