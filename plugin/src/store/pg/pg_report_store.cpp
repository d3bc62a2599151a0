#include "store/pg/pg_report_store.h"

#include <iterator>
#include <utility>

namespace mqchat::store {
namespace {

// Every report-reading statement returns these columns in this order (see ReadRows).
#define MQCHAT_PG_REPORT_COLUMNS                                                            \
  "report_id, reporter, client_msg_id, reported_user, conversation_id, message_seq, "       \
  "message_text, reason, details, created_at_ms, resolved_at_ms, resolution"

// Inserts nothing if the reported user does not exist or the key was used (told apart by
// looking the key up).
constexpr PgStatement kInsert = {
    "mqchat_report_insert",
    "INSERT INTO reports (reporter, client_msg_id, reported_user, conversation_id, "
    "message_seq, message_text, reason, details, created_at_ms) "
    "SELECT $1::text, $2::text, $3::text, $4::bigint, $5::bigint, $6::text, $7::text, "
    "$8::text, $9::bigint WHERE EXISTS (SELECT 1 FROM users WHERE username = $3::text) "
    "ON CONFLICT (reporter, client_msg_id) DO NOTHING RETURNING " MQCHAT_PG_REPORT_COLUMNS};
constexpr PgStatement kByKey = {"mqchat_report_by_key",
                                "SELECT " MQCHAT_PG_REPORT_COLUMNS
                                " FROM reports WHERE reporter = $1::text AND "
                                "client_msg_id = $2::text"};
constexpr PgStatement kById = {
    "mqchat_report_by_id",
    "SELECT " MQCHAT_PG_REPORT_COLUMNS " FROM reports WHERE report_id = $1::bigint"};
constexpr PgStatement kListAll = {
    "mqchat_report_list_all", "SELECT " MQCHAT_PG_REPORT_COLUMNS " FROM reports ORDER BY report_id"};
constexpr PgStatement kListOpen = {"mqchat_report_list_open",
                                   "SELECT " MQCHAT_PG_REPORT_COLUMNS
                                   " FROM reports WHERE resolved_at_ms IS NULL "
                                   "ORDER BY report_id"};
constexpr PgStatement kResolve = {
    "mqchat_report_resolve",
    "UPDATE reports SET resolved_at_ms = $2::bigint, resolution = $3::text "
    "WHERE report_id = $1::bigint AND resolved_at_ms IS NULL RETURNING report_id"};

constexpr const PgStatement* kAllStatements[] = {&kInsert,   &kByKey,    &kById,
                                                 &kListAll, &kListOpen, &kResolve};

Result<std::vector<Report>> ReadRows(const PGresult* res) {
  std::vector<Report> out;
  const int rows = PQntuples(res);
  for (int i = 0; i < rows; ++i) {
    Report r;
    MQCHAT_ASSIGN_OR_RETURN(r.id, PgInt64(res, i, 0));
    r.filed.reporter = PgText(res, i, 1);
    r.filed.client_msg_id = PgText(res, i, 2);
    r.filed.reported_user = PgText(res, i, 3);
    if (!PgIsNull(res, i, 4)) {
      ReportedMessage m;
      MQCHAT_ASSIGN_OR_RETURN(m.conversation_id, PgInt64(res, i, 4));
      MQCHAT_ASSIGN_OR_RETURN(m.seq, PgInt64(res, i, 5));
      m.text = PgText(res, i, 6);
      r.filed.message = std::move(m);
    }
    r.filed.reason = PgText(res, i, 7);
    r.filed.details = PgText(res, i, 8);
    MQCHAT_ASSIGN_OR_RETURN(r.filed.created_at_ms, PgInt64(res, i, 9));
    if (!PgIsNull(res, i, 10)) {
      MQCHAT_ASSIGN_OR_RETURN(int64_t at, PgInt64(res, i, 10));
      r.resolved_at_ms = at;
    }
    r.resolution = PgText(res, i, 11);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<PgReportStore>> PgReportStore::Create(PgConnPtr conn) {
  if (conn == nullptr) return Status::InvalidArgument("PgReportStore needs a connection");
  MQCHAT_ASSIGN_OR_RETURN(PgConnection ready,
                          PgConnection::Create(std::move(conn), {std::begin(kAllStatements),
                                                                 std::end(kAllStatements)}));
  return std::unique_ptr<PgReportStore>(new PgReportStore(std::move(ready)));
}

Result<PgResultPtr> PgReportStore::Run(const PgStatement& stmt, const PgParams& params) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  return ExecPrepared(conn_.get(), stmt, params);
}

Result<FiledReport> PgReportStore::FileReport(const NewReport& r) {
  PgParams params;
  params.Text(r.reporter).Text(r.client_msg_id).Text(r.reported_user);
  if (r.message) {
    params.Int(r.message->conversation_id).Int(r.message->seq).Text(r.message->text);
  } else {
    params.Null().Null().Null();
  }
  params.Text(r.reason).Text(r.details).Int(r.created_at_ms);
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr inserted, Run(kInsert, params));
  MQCHAT_ASSIGN_OR_RETURN(std::vector<Report> rows, ReadRows(inserted.get()));
  if (!rows.empty()) return FiledReport{std::move(rows.front()), false};
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr found,
                          Run(kByKey, PgParams().Text(r.reporter).Text(r.client_msg_id)));
  MQCHAT_ASSIGN_OR_RETURN(rows, ReadRows(found.get()));
  if (rows.empty()) return Status::NotFound("no such user: " + r.reported_user);
  return FiledReport{std::move(rows.front()), true};
}

Result<std::vector<Report>> PgReportStore::ListReports(bool open_only) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(open_only ? kListOpen : kListAll, PgParams()));
  return ReadRows(res.get());
}

Status PgReportStore::ResolveReport(int64_t id, const std::string& resolution, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Run(kResolve, PgParams().Int(id).Int(now_ms).Text(resolution)));
  if (PQntuples(res.get()) > 0) return Status::Ok();
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr found, Run(kById, PgParams().Int(id)));
  if (PQntuples(found.get()) == 0) return Status::NotFound("no report " + std::to_string(id));
  return Status::FailedPrecondition("report " + std::to_string(id) + " is resolved already");
}

}  // namespace mqchat::store
