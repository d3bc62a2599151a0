// SqliteChatStore's event kinds (migration 010): inside AppendBatch's transaction, the targets
// and reactions its plan asks about and each new event's change to its target; and the message
// view `history` reads (messages in their current state, reactions, quoted replies).
#include <algorithm>
#include <optional>
#include <utility>

#include "store/append_plan.h"
#include "store/attachments.h"
#include "store/mentions.h"
#include "store/message_view.h"
#include "store/sqlite/sqlite_chat_sql.h"
#include "store/sqlite/sqlite_chat_store.h"
#include "store/sqlite/sqlite_event_sql.h"

namespace mqchat::store {

Result<std::optional<TargetState>> SqliteChatStore::ReadTarget(ConversationId id, int64_t seq) {
  sqlite3_stmt* stmt = target_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id, seq));
  if (!has_row) return std::optional<TargetState>();
  TargetState state;
  state.kind = static_cast<EventKind>(ColumnInt64(stmt, 0));  // CHECK: 0..5 (migration 027)
  state.sender = ColumnText(stmt, 1);
  state.created_at_ms = ColumnInt64(stmt, 2);
  state.deleted = ColumnInt64(stmt, 3) > 0;
  return std::optional<TargetState>(std::move(state));
}

Status SqliteChatStore::LookUpTargets(AppendPlan& plan) {
  for (size_t i = 0; i < plan.targets().size(); ++i) {
    const TargetKey& t = plan.targets()[i];
    MQCHAT_ASSIGN_OR_RETURN(std::optional<TargetState> state, ReadTarget(t.conversation_id, t.seq));
    plan.SetTarget(i, std::move(state));
  }
  sqlite3_stmt* stmt = has_reaction_.get();
  for (size_t i = 0; i < plan.reactions().size(); ++i) {
    const ReactionKey& r = plan.reactions()[i];
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool present,
                            BindAndStep(stmt, r.conversation_id, r.seq, r.username, r.emoji));
    plan.SetReaction(i, present);
  }
  return Status::Ok();
}

Status SqliteChatStore::ApplyDelete(ConversationId id, int64_t seq, int64_t now_ms) {
  MQCHAT_RETURN_IF_ERROR(BindAndRun(delete_body_.get(), id, seq, now_ms));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(delete_edit_bodies_.get(), id, seq));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(delete_reactions_.get(), id, seq));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(drop_mentions_not_in_.get(), id, seq, ""));
  MQCHAT_RETURN_IF_ERROR(ReleaseAttachments(id, seq, seq));
  return BindAndRun(scrub_push_preview_.get(), id, seq);
}

Status SqliteChatStore::WriteEffects(const AppendPlan& plan) {
  for (size_t i : plan.effect_indexes()) {
    const StoredMessage& e = plan.results()[i].message;
    const ConversationId id = e.conversation_id;
    switch (e.kind) {
      case EventKind::kMessage:
      case EventKind::kCall:  // changes no other row (not in effect_indexes)
        break;
      case EventKind::kEdit:
        MQCHAT_RETURN_IF_ERROR(BindAndRun(apply_edit_.get(), id, e.target_seq, e.text,
                                          e.created_at_ms, JoinMentions(e.mentions)));
        MQCHAT_RETURN_IF_ERROR(ReplaceMentions(e));
        break;
      case EventKind::kDelete:
        MQCHAT_RETURN_IF_ERROR(ApplyDelete(id, e.target_seq, e.created_at_ms));
        break;
      case EventKind::kReactionAdd:
        MQCHAT_RETURN_IF_ERROR(BindAndRun(add_reaction_.get(), id, e.target_seq, e.sender, e.text,
                                          e.created_at_ms));
        break;
      case EventKind::kReactionRemove:
        MQCHAT_RETURN_IF_ERROR(
            BindAndRun(remove_reaction_.get(), id, e.target_seq, e.sender, e.text));
        break;
    }
  }
  return Status::Ok();
}

Result<std::vector<MessageView>> SqliteChatStore::ReadMessages(ConversationId id,
                                                               const std::string& reader,
                                                               int64_t after_seq,
                                                               int64_t before_seq, int limit) {
  // One snapshot: the page, its reactions and its quotes agree.
  using sqlite_chat_sql::ReadSnapshot;
  MQCHAT_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(db_.get()));
  const bool before = before_seq > 0;
  std::vector<MessageView> page;
  {
    sqlite3_stmt* stmt = before ? messages_before_.get() : messages_after_.get();
    StmtReset reset(stmt);
    MQCHAT_RETURN_IF_ERROR(BindAll(stmt, id, before ? before_seq : after_seq,
                                   static_cast<int64_t>(ClampHistoryLimit(limit))));
    while (true) {
      MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
      if (!has_row) break;
      page.push_back(MessageView{sqlite_chat_sql::ReadMessage(stmt, 0), {}, std::nullopt});
      page.back().message.mentions = sqlite_chat_sql::ReadMentions(stmt, 11);
      page.back().message.attachments = ParseAttachmentsColumn(ColumnText(stmt, 12));
    }
  }
  if (before) std::reverse(page.begin(), page.end());
  if (page.empty()) return page;
  MQCHAT_RETURN_IF_ERROR(AddReactions(id, reader, page));
  MQCHAT_RETURN_IF_ERROR(AddQuotes(id, page));
  return page;
}

Status SqliteChatStore::AddReactions(ConversationId id, const std::string& reader,
                                     std::vector<MessageView>& page) {
  sqlite3_stmt* stmt = reactions_of_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(
      BindAll(stmt, id, page.front().message.seq, page.back().message.seq, reader));
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
    if (!has_row) break;
    AddReactionToPage(page, ColumnInt64(stmt, 0),
                      ReactionCount{ColumnText(stmt, 1), ColumnInt64(stmt, 2),
                                    ColumnInt64(stmt, 3) != 0});
  }
  return Status::Ok();
}

Status SqliteChatStore::AddQuotes(ConversationId id, std::vector<MessageView>& page) {
  for (MessageView& view : page) {
    const int64_t seq = view.message.target_seq;
    if (seq <= 0) continue;
    MQCHAT_ASSIGN_OR_RETURN(std::optional<TargetState> target, ReadTarget(id, seq));
    ReplyQuote quote;
    quote.seq = seq;
    quote.deleted = !target.has_value() || target->deleted;
    if (target.has_value()) quote.sender = target->sender;
    if (!quote.deleted) {
      // The text is not in TargetState: read it with the history statement's row.
      MQCHAT_ASSIGN_OR_RETURN(std::vector<StoredMessage> rows, ReadHistory(id, seq - 1, 0, 1));
      if (!rows.empty() && rows.front().seq == seq) quote.snippet = ReplySnippet(rows.front().text);
    }
    view.reply = std::move(quote);
  }
  return Status::Ok();
}

}  // namespace mqchat::store
