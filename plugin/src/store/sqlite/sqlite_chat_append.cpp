// SqliteChatStore::AppendBatch: the writer's hot path, one BEGIN IMMEDIATE transaction per batch.
#include <optional>
#include <unordered_set>
#include <utility>

#include "store/append_plan.h"
#include "store/broker_notices.h"
#include "store/attachments.h"
#include "store/mentions.h"
#include "store/push_job_plan.h"
#include "store/sqlite/sqlite_chat_sql.h"
#include "store/sqlite/sqlite_chat_store.h"
#include "store/sqlite/sqlite_notices.h"

namespace mqchat::store {
namespace {
namespace sql = sqlite_chat_sql;
}  // namespace

Result<std::vector<AppendResult>> SqliteChatStore::AppendBatch(
    const std::vector<AppendRequest>& batch) {
  if (batch.empty()) {
    return std::vector<AppendResult>();
  }
  AppendPlan plan(batch);
  // BEGIN IMMEDIATE holds the database's write lock from here to COMMIT, so the reads below
  // are current and the seqs they lead to cannot be taken by another connection.
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  std::unordered_set<ConversationId> direct;
  for (ConversationId id : plan.conversation_ids()) {
    MQCHAT_ASSIGN_OR_RETURN(std::optional<Head> head, ReadHead(id));
    if (head.has_value()) {
      plan.SetLastSeq(id, head->last_seq);
      plan.SetSlowMode(id, head->slow_mode_s * 1000);
      if (head->kind == ConversationKind::kDirect) direct.insert(id);
    }
  }
  for (size_t k = 0; k < plan.keys().size(); ++k) {
    const MessageKey& key = plan.keys()[k];
    MQCHAT_ASSIGN_OR_RETURN(std::optional<MemberRole> role,
                            RoleOf(key.conversation_id, key.sender));
    bool refused = false;
    // Also without a members row: a channel's sender has none (AppendRequest::channel_sender).
    MQCHAT_ASSIGN_OR_RETURN(std::optional<StoredMessage> existing, FindMessage(key));
    if (role.has_value()) {
      if (direct.count(key.conversation_id) != 0) {
        MQCHAT_ASSIGN_OR_RETURN(refused, RefusedInConversation(key.conversation_id, key.sender));
      }
    }
    plan.SetLookup(k, role.has_value(), std::move(existing), role.value_or(MemberRole::kMember),
                   refused);
  }
  // Slow mode, decided here under the write lock whichever broker each message came through.
  for (const auto& [id, sender] : plan.PacedSenders()) {
    MQCHAT_ASSIGN_OR_RETURN(int64_t last_ms, LastMessageAt(id, sender));
    plan.SetLastMessageAt(id, sender, last_ms);
  }
  MQCHAT_RETURN_IF_ERROR(LookUpTargets(plan));
  MQCHAT_RETURN_IF_ERROR(LookUpMentions(plan));
  MQCHAT_RETURN_IF_ERROR(LookUpAttachments(plan));
  MQCHAT_RETURN_IF_ERROR(plan.Decide());
  MQCHAT_RETURN_IF_ERROR(WriteAppend(plan));
  MQCHAT_RETURN_IF_ERROR(WriteAttachmentLinks(plan));
  MQCHAT_RETURN_IF_ERROR(WriteEffects(plan));
  MQCHAT_RETURN_IF_ERROR(WritePushJobs(batch, plan));
  // A moderator's entry (mqchatctl, the admin API) has no broker to publish it: tell them all.
  MQCHAT_RETURN_IF_ERROR(InsertNoticesSqlite(
      db_.get(), ModeratorEntryNotices(batch, plan)));
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  return plan.TakeResults();
}

Status SqliteChatStore::WriteAppend(AppendPlan& plan) {
  for (const AppendPlan::SeqAdvance& advance : plan.seq_advances()) {
    sqlite3_stmt* stmt = alloc_seqs_.get();
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, advance.conversation_id, advance.count,
                                                      advance.activity_ms));
    if (!has_row || ColumnInt64(stmt, 0) != advance.last_seq) {
      return Status::Internal("seq allocation of conversation " +
                              std::to_string(advance.conversation_id) + " went out of step");
    }
    // The write lock is held to COMMIT: no membership change can come between this and it.
    plan.SetMembersVersion(advance.conversation_id, ColumnInt64(stmt, 1));
  }
  for (size_t i : plan.new_indexes()) {
    const StoredMessage& msg = plan.results()[i].message;
    MQCHAT_RETURN_IF_ERROR(BindAndRun(insert_message_.get(), msg.conversation_id, msg.seq,
                                      msg.message_id, msg.sender, msg.client_msg_id, msg.text,
                                      msg.created_at_ms, static_cast<int64_t>(msg.kind),
                                      msg.target_seq, JoinMentions(msg.mentions),
                                      AttachmentsColumn(msg.attachments)));
    MQCHAT_RETURN_IF_ERROR(BindAndRun(insert_recent_send_.get(), msg.conversation_id, msg.sender,
                                      msg.client_msg_id, msg.seq, msg.created_at_ms,
                                      static_cast<int64_t>(msg.kind)));
    if (msg.kind == EventKind::kMessage) {
      MQCHAT_RETURN_IF_ERROR(InsertMentions(msg.conversation_id, msg.seq, msg.seq, msg.mentions));
    }
  }
  for (const AppendPlan::ReadAdvance& read : plan.read_advances()) {
    sqlite3_stmt* stmt = read.channel ? advance_channel_read_.get() : advance_read_.get();
    MQCHAT_RETURN_IF_ERROR(BindAndRun(stmt, read.conversation_id, read.username, read.read_seq));
  }
  return Status::Ok();
}

// One pending push job per (recipient, conversation) of the new messages, in the messages'
// transaction: committed together, so a crash loses neither.
Status SqliteChatStore::WritePushJobs(const std::vector<AppendRequest>& batch,
                                      const AppendPlan& plan) {
  const PushJobWrites writes = PlanPushJobWrites(batch, plan);
  for (const PushJobDraft& d : writes.drafts) {
    MQCHAT_RETURN_IF_ERROR(BindAndRun(upsert_push_job_.get(), d.username, d.conversation_id,
                                      d.first_seq, d.last_seq, d.count, d.sender, d.preview_text,
                                      writes.now_ms, writes.due_ms, writes.due_cap_ms,
                                      static_cast<int64_t>(d.mention ? 1 : 0)));
  }
  return Status::Ok();
}

}  // namespace mqchat::store
