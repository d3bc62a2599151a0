// SqliteChatStore's attachments (store/attachments.h), inside AppendBatch's transaction: each
// attachment the batch's messages name as its row is, and the links of the new messages.
#include <optional>
#include <utility>

#include "store/append_plan.h"
#include "store/attachments.h"
#include "store/sqlite/sqlite_chat_store.h"

namespace mqchat::store {

Status SqliteChatStore::LookUpAttachments(AppendPlan& plan) {
  sqlite3_stmt* stmt = attachment_row_.get();
  for (size_t i = 0; i < plan.attachment_ids().size(); ++i) {
    const std::string& id = plan.attachment_ids()[i];
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id));
    if (!has_row) {
      plan.SetAttachment(i, std::nullopt);
      continue;
    }
    AttachmentState state;
    state.owner = ColumnText(stmt, 0);
    state.finished = ColumnInt64(stmt, 1) == 1;
    state.shown.id = id;
    state.shown.name = ColumnText(stmt, 2);
    state.shown.content_type = ColumnText(stmt, 3);
    state.shown.size = ColumnInt64(stmt, 4);
    state.shown.width = ColumnInt64(stmt, 5);
    state.shown.height = ColumnInt64(stmt, 6);
    state.shown.thumbnail = !ColumnText(stmt, 7).empty();
    plan.SetAttachment(i, std::move(state));
  }
  return Status::Ok();
}

Status SqliteChatStore::WriteAttachmentLinks(const AppendPlan& plan) {
  for (const AttachmentLink& link : plan.attachment_links()) {
    MQCHAT_RETURN_IF_ERROR(BindAndRun(link_attachment_.get(), link.conversation_id, link.seq,
                                      link.position, link.attachment_id));
  }
  for (size_t i : plan.new_indexes()) {
    const StoredMessage& msg = plan.results()[i].message;
    for (const protocol::WireAttachment& a : msg.attachments) {
      MQCHAT_RETURN_IF_ERROR(BindAndRun(mark_referenced_.get(), a.id, msg.created_at_ms));
    }
  }
  return Status::Ok();
}

Status SqliteChatStore::ReleaseAttachments(ConversationId id, int64_t first_seq,
                                           int64_t last_seq) {
  MQCHAT_RETURN_IF_ERROR(BindAndRun(release_attachments_.get(), id, first_seq, last_seq));
  return BindAndRun(unlink_attachments_.get(), id, first_seq, last_seq);
}

}  // namespace mqchat::store
