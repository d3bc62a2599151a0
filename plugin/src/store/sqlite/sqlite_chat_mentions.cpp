// SqliteChatStore's mentions (migration 019; store/mentions.h), inside AppendBatch's
// transaction: whether each mentioned user is a member, and the `mentions` rows of new
// messages and edits.
#include "store/append_plan.h"
#include "store/mentions.h"
#include "store/sqlite/sqlite_chat_store.h"

namespace mqchat::store {

Status SqliteChatStore::LookUpMentions(AppendPlan& plan) {
  sqlite3_stmt* stmt = mention_member_.get();
  for (size_t i = 0; i < plan.mentions().size(); ++i) {
    const MentionKey& m = plan.mentions()[i];
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool member, BindAndStep(stmt, m.conversation_id, m.username));
    plan.SetMentionMember(i, member);
  }
  return Status::Ok();
}

Status SqliteChatStore::InsertMentions(ConversationId id, int64_t message_seq,
                                       int64_t unread_from, const std::vector<std::string>& names) {
  for (const std::string& name : names) {
    MQCHAT_RETURN_IF_ERROR(BindAndRun(insert_mention_.get(), name, id, message_seq, unread_from));
  }
  return Status::Ok();
}

Status SqliteChatStore::ReplaceMentions(const StoredMessage& edit) {
  MQCHAT_RETURN_IF_ERROR(BindAndRun(drop_mentions_not_in_.get(), edit.conversation_id,
                                    edit.target_seq, JoinMentions(edit.mentions)));
  return InsertMentions(edit.conversation_id, edit.target_seq, edit.seq, edit.mentions);
}

}  // namespace mqchat::store
