// SqliteChatStore's single-statement steps (each one prepared statement, no transaction of its
// own): the reads AppendBatch and the membership writes run inside their BEGIN IMMEDIATE
// transactions (the conversation head, a member's role, the users that do not exist, a
// message already stored under a key), the member inserts and count changes, and the
// conversation as it is now (LoadConversation, also NewConversationSql's).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "store/append_plan.h"
#include "store/sqlite/sqlite_chat_store.h"

namespace mqchat::store {

Result<std::optional<SqliteChatStore::Head>> SqliteChatStore::ReadHead(ConversationId id) {
  sqlite3_stmt* stmt = head_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id));
  if (!has_row) {
    return std::optional<Head>();
  }
  Head head;
  MQCHAT_ASSIGN_OR_RETURN(head.kind, KindFromColumn(ColumnInt64(stmt, 0)));
  head.member_count = ColumnInt64(stmt, 1);
  head.last_seq = ColumnInt64(stmt, 2);
  head.slow_mode_s = ColumnInt64(stmt, 3);
  return std::optional<Head>(head);
}

Result<std::optional<MemberRole>> SqliteChatStore::RoleOf(ConversationId id,
                                                          const std::string& user) {
  sqlite3_stmt* stmt = member_role_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id, user));
  if (!has_row) {
    return std::optional<MemberRole>();
  }
  MQCHAT_ASSIGN_OR_RETURN(MemberRole role, RoleFromColumn(ColumnInt64(stmt, 0)));
  return std::optional<MemberRole>(role);
}

Result<std::vector<std::string>> SqliteChatStore::MissingUsers(
    const std::vector<std::string>& users) {
  std::vector<std::string> missing;
  sqlite3_stmt* stmt = active_user_.get();
  for (const std::string& user : users) {
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool exists, BindAndStep(stmt, user));
    if (!exists) {
      missing.push_back(user);
    }
  }
  return missing;
}

Result<std::optional<ConversationAccess>> SqliteChatStore::ReadAccess(ConversationId id,
                                                                      const std::string& actor,
                                                                      const std::string* target) {
  MQCHAT_ASSIGN_OR_RETURN(std::optional<Head> head, ReadHead(id));
  if (!head.has_value()) {
    return std::optional<ConversationAccess>();
  }
  ConversationAccess access;
  access.id = id;
  access.kind = head->kind;
  access.member_count = head->member_count;
  MQCHAT_ASSIGN_OR_RETURN(access.actor_role, RoleOf(id, actor));
  if (target != nullptr) {
    MQCHAT_ASSIGN_OR_RETURN(access.target_role, RoleOf(id, *target));
  }
  return std::optional<ConversationAccess>(std::move(access));
}

Status SqliteChatStore::InsertMember(ConversationId id, const std::string& user, MemberRole role,
                                     int64_t now_ms) {
  return BindAndRun(insert_member_.get(), id, user, static_cast<int64_t>(role), now_ms);
}

Status SqliteChatStore::AdjustMemberCount(ConversationId id, int64_t delta) {
  return BindAndRun(adjust_member_count_.get(), id, delta);
}

Result<int64_t> SqliteChatStore::LastMessageAt(ConversationId id, const std::string& sender) {
  sqlite3_stmt* stmt = last_message_at_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id, sender));
  return has_row ? ColumnInt64(stmt, 0) : int64_t{0};
}

Result<std::optional<StoredMessage>> SqliteChatStore::FindMessage(const MessageKey& key) {
  sqlite3_stmt* stmt = find_message_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row,
                          BindAndStep(stmt, key.conversation_id, key.sender, key.client_msg_id));
  if (!has_row) {
    return std::optional<StoredMessage>();
  }
  StoredMessage msg;
  msg.seq = ColumnInt64(stmt, 0);
  msg.message_id = ColumnInt64(stmt, 1);
  msg.text = ColumnText(stmt, 2);
  msg.created_at_ms = ColumnInt64(stmt, 3);
  return std::optional<StoredMessage>(std::move(msg));
}

Result<Conversation> SqliteChatStore::LoadConversation(ConversationId id) {
  sqlite3_stmt* stmt = get_conversation_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindAll(stmt, id));
  Conversation conv;
  bool found = false;
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
    if (!has_row) {
      break;
    }
    if (!found) {
      found = true;
      conv.id = ColumnInt64(stmt, 0);
      MQCHAT_ASSIGN_OR_RETURN(conv.kind, KindFromColumn(ColumnInt64(stmt, 1)));
      conv.name = ColumnText(stmt, 2);
      conv.last_seq = ColumnInt64(stmt, 3);
      conv.created_at_ms = ColumnInt64(stmt, 4);
      conv.members_version = ColumnInt64(stmt, 5);
      conv.slow_mode_s = ColumnInt64(stmt, 10);
    }
    if (sqlite3_column_type(stmt, 6) == SQLITE_NULL) {
      continue;  // no members (the LEFT JOIN's only row)
    }
    Member member;
    member.username = ColumnText(stmt, 6);
    MQCHAT_ASSIGN_OR_RETURN(member.role, RoleFromColumn(ColumnInt64(stmt, 7)));
    member.read_seq = ColumnInt64(stmt, 8);
    member.joined_at_ms = ColumnInt64(stmt, 9);
    conv.members.push_back(std::move(member));
  }
  if (!found) {
    return NoSuchConversation(id);
  }
  return conv;
}

}  // namespace mqchat::store
