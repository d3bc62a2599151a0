#include "chat/report_ops.h"

#include <algorithm>
#include <utility>

#include "community/permissions.h"
#include "protocol/fields.h"
#include "protocol/ids.h"

namespace mqchat::chat {

Plan ReportOps::Report(const OpRequest& r) {
  if (reports_ == nullptr) {
    return Refusal{protocol::ErrorCode::kUnavailable, "reports are not available"};
  }
  const std::string& user = r.who.username;
  const int64_t wait = limiter_.WaitMs(user, 1, tools_.clock.MonotonicMs());
  if (wait > 0) {
    return Refusal{protocol::ErrorCode::kRateLimited,
                   "too many reports; the limit is " + std::to_string(per_minute_) +
                       " per minute",
                   wait};
  }
  limiter_.Charge(user, 1, tools_.clock.MonotonicMs());
  auto body = std::get<protocol::ReportRequest>(std::move(r.req.body));
  if (body.user == user) {
    return Refusal{protocol::ErrorCode::kInvalid, "you cannot report yourself"};
  }
  const int64_t now = tools_.clock.NowMs();
  // A text channel (issue 18) has no members rows: the broker's access cache decides whether
  // the reporter may view it now, as for history.
  bool channel = false;
  if (body.seq > 0 && tools_.channels != nullptr) {
    const auto perms = tools_.channels->Permissions(user, body.conversation_id);
    channel = perms && community::Has(*perms, community::kViewChannel);
  }
  return StoreTask(
      [this, to = r.to, user, body = std::move(body), now, channel](store::ChatStore& store) {
        File(store, to, user, body, now, channel);
      });
}

void ReportOps::File(store::ChatStore& store, const ReplyTo& to, const std::string& reporter,
                     const protocol::ReportRequest& body, int64_t now_ms, bool channel) {
  store::NewReport report;
  report.reporter = reporter;
  report.client_msg_id = body.client_msg_id;
  report.reported_user = body.user;
  report.reason = body.reason;
  report.details = body.details;
  report.created_at_ms = now_ms;
  if (body.seq > 0 && !FindMessage(store, to, reporter, body, channel, &report)) return;
  if (report.reported_user == reporter) {
    return tools_.replies.Reply(
        to, ErrorPayload(to, protocol::ErrorCode::kInvalid, "you cannot report yourself"));
  }
  auto filed = reports_->FileReport(report);
  if (!filed.ok()) return tools_.replies.Fail(to, filed.status());  // NOT_FOUND: no such user
  tools_.replies.Log(LogLevel::kNotice,
                     "mqchat: report " + std::to_string(filed->report.id) + " by " + reporter +
                         " of " + filed->report.filed.reported_user + " (" + body.reason + ")" +
                         (filed->duplicate ? " resent" : ""));
  tools_.replies.Reply(
      to, OkPayload(to, {{protocol::fields::kReportId, protocol::FormatId(filed->report.id)},
                         {protocol::fields::kDuplicate, filed->duplicate}}));
}

bool ReportOps::FindMessage(store::ChatStore& store, const ReplyTo& to,
                            const std::string& reporter, const protocol::ReportRequest& body,
                            bool channel, store::NewReport* out) {
  // Not a member, or no such conversation: one answer, so a report reveals nothing of
  // conversations the reporter is not in.
  auto conv = store.GetConversation(body.conversation_id);
  if (!conv.ok() && conv.status().code() != Code::kNotFound) {
    tools_.replies.Fail(to, conv.status());
    return false;
  }
  const bool member =
      conv.ok() && (channel || std::any_of(conv->members.begin(), conv->members.end(),
                                           [&](const auto& m) { return m.username == reporter; }));
  if (!member) {
    tools_.replies.NotMember(to, body.conversation_id);
    return false;
  }
  auto page = store.ReadHistory(body.conversation_id, body.seq - 1, 0, 1);
  if (!page.ok()) {
    tools_.replies.Fail(to, page.status());
    return false;
  }
  const std::string seq = std::to_string(body.seq);
  if (page->empty() || page->front().seq != body.seq ||
      page->front().kind != store::EventKind::kMessage ||
      (!body.user.empty() && page->front().sender != body.user)) {
    tools_.replies.Reply(to, ErrorPayload(to, protocol::ErrorCode::kUnknownMessage,
                                          "no message " + seq + " of " +
                                              (body.user.empty() ? "anyone" : body.user) +
                                              " in conversation " +
                                              std::to_string(body.conversation_id)));
    return false;
  }
  if (page->front().deleted_at_ms != 0) {
    tools_.replies.Reply(to, ErrorPayload(to, protocol::ErrorCode::kMessageDeleted,
                                          "message " + seq + " was deleted"));
    return false;
  }
  out->reported_user = page->front().sender;
  out->message = store::ReportedMessage{body.conversation_id, body.seq, page->front().text};
  return true;
}

}  // namespace mqchat::chat
