#include "store/pg/pg_chat_events.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/append_plan.h"
#include "store/chat_rules.h"
#include "store/attachments.h"
#include "store/mentions.h"
#include "store/message_view.h"
#include "store/pg/pg_chat_mentions.h"
#include "store/pg/pg_chat_store.h"
#include "store/pg/pg_chat_sql.h"
#include "store/pg/pg_event_sql.h"
#include "store/pg/pg_pipeline.h"

namespace mqchat::store {
namespace {

namespace sql = pg_chat_sql;
namespace ev = pg_event_sql;

Result<size_t> Position(const PGresult* r, int row, size_t count) {
  MQCHAT_ASSIGN_OR_RETURN(int64_t ord, PgInt64(r, row, 0));
  if (ord < 1 || ord > static_cast<int64_t>(count)) {
    return Status::Internal("event lookup returned position " + std::to_string(ord));
  }
  return static_cast<size_t>(ord - 1);
}

Status ReadTargetRows(PgPipeline& pipe, AppendPlan& plan) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, pipe.Next());
  const PGresult* r = res.get();
  for (int row = 0; row < PQntuples(r); ++row) {
    MQCHAT_ASSIGN_OR_RETURN(size_t index, Position(r, row, plan.targets().size()));
    TargetState state;
    MQCHAT_ASSIGN_OR_RETURN(int64_t kind, PgInt64(r, row, 1));
    state.kind = static_cast<EventKind>(kind);  // CHECK: 0..5 (migration 027)
    state.sender = PgText(r, row, 2);
    MQCHAT_ASSIGN_OR_RETURN(state.created_at_ms, PgInt64(r, row, 3));
    MQCHAT_ASSIGN_OR_RETURN(int64_t deleted_at_ms, PgInt64(r, row, 4));
    state.deleted = deleted_at_ms > 0;
    plan.SetTarget(index, std::move(state));
  }
  return Status::Ok();
}

Status ReadReactions(PgPipeline& pipe, AppendPlan& plan) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, pipe.Next());
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    MQCHAT_ASSIGN_OR_RETURN(size_t index, Position(res.get(), row, plan.reactions().size()));
    plan.SetReaction(index, true);
  }
  return Status::Ok();
}

}  // namespace

Status SendTargetLookups(PgPipeline& pipe, const AppendPlan& plan) {
  if (!plan.targets().empty()) {
    std::vector<int64_t> ids, seqs;
    for (const TargetKey& t : plan.targets()) {
      ids.push_back(t.conversation_id);
      seqs.push_back(t.seq);
    }
    MQCHAT_RETURN_IF_ERROR(
        pipe.Send(ev::kTargets, PgParams().Text(sql::Int64Array(ids)).Text(sql::Int64Array(seqs))));
  }
  if (!plan.reactions().empty()) {
    std::vector<int64_t> ids, seqs;
    std::vector<std::string> users, emojis;
    for (const ReactionKey& k : plan.reactions()) {
      ids.push_back(k.conversation_id);
      seqs.push_back(k.seq);
      users.push_back(k.username);
      emojis.push_back(k.emoji);
    }
    MQCHAT_RETURN_IF_ERROR(pipe.Send(ev::kReactionsPresent, PgParams()
                                                                .Text(sql::Int64Array(ids))
                                                                .Text(sql::Int64Array(seqs))
                                                                .Text(sql::TextArray(users))
                                                                .Text(sql::TextArray(emojis))));
  }
  return Status::Ok();
}

Status ReadTargetLookups(PgPipeline& pipe, AppendPlan& plan) {
  if (!plan.targets().empty()) MQCHAT_RETURN_IF_ERROR(ReadTargetRows(pipe, plan));
  if (!plan.reactions().empty()) MQCHAT_RETURN_IF_ERROR(ReadReactions(pipe, plan));
  return Status::Ok();
}

Status SendEffects(PgPipeline& pipe, const AppendPlan& plan) {
  for (size_t i : plan.effect_indexes()) {
    const StoredMessage& e = plan.results()[i].message;
    PgParams params;
    params.Int(e.conversation_id).Int(e.target_seq);
    const PgStatement* stmt = nullptr;
    switch (e.kind) {
      case EventKind::kMessage:
      case EventKind::kCall:  // changes no other row (not in effect_indexes)
        continue;
      case EventKind::kEdit:
        stmt = &ev::kApplyEdit;
        params.Text(e.text).Int(e.created_at_ms).Text(JoinMentions(e.mentions));
        MQCHAT_RETURN_IF_ERROR(SendReplaceMentions(pipe, e));
        break;
      case EventKind::kDelete:
        stmt = &ev::kApplyDelete;
        params.Int(e.created_at_ms);
        break;
      case EventKind::kReactionAdd:
        stmt = &ev::kAddReaction;
        params.Text(e.sender).Text(e.text).Int(e.created_at_ms);
        break;
      case EventKind::kReactionRemove:
        stmt = &ev::kRemoveReaction;
        params.Text(e.sender).Text(e.text);
        break;
    }
    MQCHAT_RETURN_IF_ERROR(pipe.Send(*stmt, params));
  }
  return Status::Ok();
}

}  // namespace mqchat::store

// --- `history`'s message view (PgChatStore::ReadMessages) ---

namespace mqchat::store {
namespace {

// The quoted message of a reply, from the view's columns 11..14 (NULL: no such row).
Result<std::optional<ReplyQuote>> ReadQuote(const PGresult* r, int row, int64_t target_seq) {
  if (target_seq <= 0) return std::optional<ReplyQuote>();
  ReplyQuote quote;
  quote.seq = target_seq;
  quote.deleted = true;
  if (!PgIsNull(r, row, 11)) {
    quote.sender = PgText(r, row, 11);
    MQCHAT_ASSIGN_OR_RETURN(int64_t deleted_at_ms, PgInt64(r, row, 13));
    MQCHAT_ASSIGN_OR_RETURN(int64_t kind, PgInt64(r, row, 14));
    quote.deleted = deleted_at_ms > 0 || kind != static_cast<int64_t>(EventKind::kMessage);
    if (!quote.deleted) quote.snippet = ReplySnippet(PgText(r, row, 12));
  }
  return std::optional<ReplyQuote>(std::move(quote));
}

}  // namespace

Result<std::vector<MessageView>> PgChatStore::ReadMessages(ConversationId id,
                                                           const std::string& reader,
                                                           int64_t after_seq, int64_t before_seq,
                                                           int limit) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  const bool before = before_seq > 0;
  // Two statements: a reaction committed between them may be counted on a page whose rows are
  // a moment older (read committed); the next read shows the event that made it.
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      Run(before ? pg_event_sql::kMessagesBefore : pg_event_sql::kMessagesAfter,
          PgParams().Int(id).Int(before ? before_seq : after_seq).Int(ClampHistoryLimit(limit))));
  std::vector<MessageView> page;
  const PGresult* r = res.get();
  for (int row = 0; row < PQntuples(r); ++row) {
    MessageView view;
    MQCHAT_ASSIGN_OR_RETURN(view.message, pg_chat_sql::ReadMessage(r, row, 0));
    MQCHAT_ASSIGN_OR_RETURN(view.reply, ReadQuote(r, row, view.message.target_seq));
    view.message.mentions = SplitMentions(PgText(r, row, 15));
    view.message.attachments = ParseAttachmentsColumn(PgText(r, row, 16));
    page.push_back(std::move(view));
  }
  if (before) std::reverse(page.begin(), page.end());
  if (page.empty()) return page;
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr reactions,
                          Run(pg_event_sql::kReactionsOf, PgParams()
                                                              .Int(id)
                                                              .Int(page.front().message.seq)
                                                              .Int(page.back().message.seq)
                                                              .Text(reader)));
  const PGresult* rr = reactions.get();
  for (int row = 0; row < PQntuples(rr); ++row) {
    ReactionCount count;
    MQCHAT_ASSIGN_OR_RETURN(int64_t seq, PgInt64(rr, row, 0));
    count.emoji = PgText(rr, row, 1);
    MQCHAT_ASSIGN_OR_RETURN(count.count, PgInt64(rr, row, 2));
    count.mine = PgText(rr, row, 3) == "t";
    AddReactionToPage(page, seq, std::move(count));
  }
  return page;
}

}  // namespace mqchat::store
