#include "reports.h"

#include <ctime>
#include <iostream>

#include <nlohmann/json.hpp>

#include "ids/snowflake.h"
#include "store/retention_store.h"
#include "store/store_factory.h"
#include "store/user_data_store.h"
#include "util/clock.h"

namespace mqchat::ctl {
namespace {

Status StoreError(const Status& s) { return Status(Code::kUnavailable, s.message()); }

nlohmann::json ReportJson(const store::Report& r) {
  nlohmann::json out = {{"id", r.id},
                        {"reporter", r.filed.reporter},
                        {"reported_user", r.filed.reported_user},
                        {"reason", r.filed.reason},
                        {"details", r.filed.details},
                        {"created_at_ms", r.filed.created_at_ms},
                        {"open", !r.resolved_at_ms.has_value()}};
  if (r.filed.message) {
    out["conversation_id"] = std::to_string(r.filed.message->conversation_id);
    out["seq"] = r.filed.message->seq;
    out["message_text"] = r.filed.message->text;
  }
  if (r.resolved_at_ms) {
    out["resolved_at_ms"] = *r.resolved_at_ms;
    out["resolution"] = r.resolution;
  }
  return out;
}

// One line of text: tabs and newlines of user text would break the columns.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

store::StoreConfig Existing(const store::StoreConfig& config) {
  store::StoreConfig existing = config;
  existing.create_if_missing = false;
  return existing;
}

Result<store::ReportStorePtr> Open(const store::StoreConfig& config) {
  auto s = store::OpenReportStore(Existing(config));
  if (!s.ok()) return StoreError(s.status());
  return std::move(s).value();
}

// The report with `id`: kNotFound if none, kInvalidArgument if it was resolved already.
Result<store::Report> OpenReport(store::ReportStore& reports, int64_t id) {
  auto all = reports.ListReports(/*open_only=*/false);
  if (!all.ok()) return StoreError(all.status());
  for (const auto& r : *all) {
    if (r.id != id) continue;
    if (r.resolved_at_ms) {
      return Status::InvalidArgument("report " + std::to_string(id) + " is resolved already");
    }
    return r;
  }
  return Status::NotFound("no report " + std::to_string(id));
}

// The moderator's delete-for-everyone of the reported message: a delete event appended like a
// client's (AppendRequest::moderator: no membership needed), idempotent by its client_msg_id
// ("report-ID"). Its message id comes from node id kMaxNodeId (docs/OPERATIONS.md "Reports").
// The append leaves a broker notice in its transaction (store/broker_notices.h): every broker
// publishes the event live to the members' connected devices. A message deleted already is fine.
Status DeleteReported(const store::StoreConfig& config, const store::Report& r, int64_t now_ms) {
  auto chat = store::OpenChatStore(Existing(config));
  if (!chat.ok()) return StoreError(chat.status());
  auto max_id = (*chat)->MaxIssuedId();
  if (!max_id.ok()) return StoreError(max_id.status());
  SystemClock clock;
  SnowflakeGenerator ids(SnowflakeGenerator::kMaxNodeId, clock);
  ids.ObserveIssued(*max_id);
  store::AppendRequest del;
  del.conversation_id = r.filed.message->conversation_id;
  del.sender = store::kOperatorActor;
  del.client_msg_id = "report-" + std::to_string(r.id);
  del.message_id = ids.Next();
  del.created_at_ms = now_ms;
  del.kind = store::EventKind::kDelete;
  del.target_seq = r.filed.message->seq;
  del.moderator = true;
  auto results = (*chat)->AppendBatch({del});
  if (!results.ok()) return StoreError(results.status());
  const store::AppendResult& result = (*results)[0];
  if (result.outcome == store::AppendOutcome::kStored ||
      result.outcome == store::AppendOutcome::kDuplicate ||
      (result.outcome == store::AppendOutcome::kRefused &&
       result.refusal == store::EventRefusal::kTargetDeleted)) {
    return Status::Ok();
  }
  // Expired, erased or never there (a report keeps its own copy of the text).
  return Status::InvalidArgument("message " + std::to_string(del.target_seq) +
                                 " of conversation " + std::to_string(del.conversation_id) +
                                 " is no longer there to delete");
}

Status DisableReported(const store::StoreConfig& config, const std::string& user) {
  auto accounts = store::OpenAccountStore(Existing(config));
  if (!accounts.ok()) return StoreError(accounts.status());
  Status s = (*accounts)->SetState(user, store::UserState::kDisabled);
  if (s.code() == Code::kNotFound) return s;
  return s.ok() ? s : StoreError(s);
}

}  // namespace

Status ListReports(const store::StoreConfig& config, bool open_only, bool json) {
  MQCHAT_ASSIGN_OR_RETURN(auto store, Open(config));
  auto reports = store->ListReports(open_only);
  if (!reports.ok()) return StoreError(reports.status());
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& r : *reports) out.push_back(ReportJson(r));
    std::cout << out.dump() << "\n";
    return Status::Ok();
  }
  // id, state, reporter, reported user, reason, conversation:seq (or -), message text, details
  for (const auto& r : *reports) {
    std::cout << r.id << "\t" << (r.resolved_at_ms ? "resolved" : "open") << "\t"
              << r.filed.reporter << "\t" << r.filed.reported_user << "\t" << r.filed.reason
              << "\t"
              << (r.filed.message ? std::to_string(r.filed.message->conversation_id) + ":" +
                                        std::to_string(r.filed.message->seq)
                                  : std::string("-"))
              << "\t" << OneLine(r.filed.message ? r.filed.message->text : "") << "\t"
              << OneLine(r.filed.details) << "\n";
  }
  return Status::Ok();
}

Status ResolveReport(const store::StoreConfig& config, int64_t id, const Resolution& how) {
  MQCHAT_ASSIGN_OR_RETURN(auto reports, Open(config));
  MQCHAT_ASSIGN_OR_RETURN(store::Report report, OpenReport(*reports, id));
  if (how.delete_message && !report.filed.message) {
    return Status::InvalidArgument("report " + std::to_string(id) + " names no message");
  }
  auto audit = store::OpenUserDataStore(Existing(config));
  if (!audit.ok()) return StoreError(audit.status());
  const int64_t now_ms = static_cast<int64_t>(std::time(nullptr)) * 1000;
  const std::string subject = "report " + std::to_string(id);
  std::string done;
  if (how.delete_message) {
    MQCHAT_RETURN_IF_ERROR(DeleteReported(config, report, now_ms));
    const auto& m = *report.filed.message;
    const std::string what = std::to_string(m.conversation_id) + ":" + std::to_string(m.seq);
    Status a = (*audit)->Audit(store::kOperatorActor, "delete_message", what, subject, now_ms);
    if (!a.ok()) return StoreError(a);
    done += " [message " + what + " deleted]";
  }
  if (how.disable_user) {
    MQCHAT_RETURN_IF_ERROR(DisableReported(config, report.filed.reported_user));
    Status a = (*audit)->Audit(store::kOperatorActor, "disable_user",
                               report.filed.reported_user, subject, now_ms);
    if (!a.ok()) return StoreError(a);
    done += " [user " + report.filed.reported_user + " disabled]";
  }
  const std::string resolution = how.note + done;
  Status s = reports->ResolveReport(id, resolution, now_ms);
  if (s.code() == Code::kNotFound) return s;
  if (s.code() == Code::kFailedPrecondition) return Status::InvalidArgument(s.message());
  if (!s.ok()) return StoreError(s);
  Status a = (*audit)->Audit(store::kOperatorActor, "resolve_report", std::to_string(id),
                             resolution, now_ms);
  if (!a.ok()) return StoreError(a);
  std::cout << "resolved report " << id << done << "\n";
  return Status::Ok();
}

}  // namespace mqchat::ctl
