#include "moderation.h"

#include "protocol/ids.h"
#include "store/retention_store.h"  // kOperatorActor

namespace mqchat::moderation {
namespace {

Status StoreError(const Status& s) { return Status(Code::kUnavailable, s.message()); }

// The moderator's delete-for-everyone of the reported message: a delete event appended like a
// client's (AppendRequest::moderator: no membership needed), idempotent by its client_msg_id
// ("report-ID"); its message id from OperatorIds (node id 1023, docs/OPERATIONS.md "Reports").
// A message deleted already is fine.
Status DeleteReported(const Stores& stores, const store::Report& r, int64_t now_ms) {
  auto message_id = stores.ids.Next(stores.chat);
  if (!message_id.ok()) return StoreError(message_id.status());
  store::AppendRequest del;
  del.conversation_id = r.filed.message->conversation_id;
  del.sender = store::kOperatorActor;
  del.client_msg_id = "report-" + std::to_string(r.id);
  del.message_id = *message_id;
  del.created_at_ms = now_ms;
  del.kind = store::EventKind::kDelete;
  del.target_seq = r.filed.message->seq;
  del.moderator = true;
  auto results = stores.chat.AppendBatch({del});
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

}  // namespace

nlohmann::json ReportJson(const store::Report& r) {
  nlohmann::json out = {{"id", r.id},
                        {"reporter", r.filed.reporter},
                        {"reported_user", r.filed.reported_user},
                        {"reason", r.filed.reason},
                        {"details", r.filed.details},
                        {"created_at_ms", r.filed.created_at_ms},
                        {"open", !r.resolved_at_ms.has_value()}};
  if (r.filed.message) {
    out["conversation_id"] = protocol::FormatId(r.filed.message->conversation_id);
    out["seq"] = r.filed.message->seq;
    out["message_text"] = r.filed.message->text;
  }
  if (r.resolved_at_ms) {
    out["resolved_at_ms"] = *r.resolved_at_ms;
    out["resolution"] = r.resolution;
  }
  return out;
}

Result<store::Report> FindReport(store::ReportStore& reports, int64_t id) {
  auto all = reports.ListReports(/*open_only=*/false);
  if (!all.ok()) return StoreError(all.status());
  for (auto& r : *all) {
    if (r.id == id) return std::move(r);
  }
  return Status::NotFound("no report " + std::to_string(id));
}

Result<std::string> ResolveReport(const Stores& stores, int64_t id, const Resolution& how,
                                  int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(store::Report report, FindReport(stores.reports, id));
  if (report.resolved_at_ms) {
    return Status::InvalidArgument("report " + std::to_string(id) + " is resolved already");
  }
  if (how.delete_message && !report.filed.message) {
    return Status::InvalidArgument("report " + std::to_string(id) + " names no message");
  }
  const std::string subject = "report " + std::to_string(id);
  std::string done;
  if (how.delete_message) {
    MQCHAT_RETURN_IF_ERROR(DeleteReported(stores, report, now_ms));
    const auto& m = *report.filed.message;
    const std::string what = std::to_string(m.conversation_id) + ":" + std::to_string(m.seq);
    Status a = stores.audit.Audit(store::kOperatorActor, "delete_message", what, subject, now_ms);
    if (!a.ok()) return StoreError(a);
    done += " [message " + what + " deleted]";
  }
  if (how.disable_user) {
    const std::string& user = report.filed.reported_user;
    Status s = stores.accounts.SetState(user, store::UserState::kDisabled);
    if (s.code() == Code::kNotFound) return s;
    if (!s.ok()) return StoreError(s);
    Status a = stores.audit.Audit(store::kOperatorActor, "disable_user", user, subject, now_ms);
    if (!a.ok()) return StoreError(a);
    done += " [user " + user + " disabled]";
  }
  const std::string resolution = how.note + done;
  Status s = stores.reports.ResolveReport(id, resolution, now_ms);
  if (s.code() == Code::kNotFound) return s;
  if (s.code() == Code::kFailedPrecondition) return Status::InvalidArgument(s.message());
  if (!s.ok()) return StoreError(s);
  Status a = stores.audit.Audit(store::kOperatorActor, "resolve_report", std::to_string(id),
                                resolution, now_ms);
  if (!a.ok()) return StoreError(a);
  return done;
}

}  // namespace mqchat::moderation
