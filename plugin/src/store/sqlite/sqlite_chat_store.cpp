#include "store/sqlite/sqlite_chat_store.h"

#include <algorithm>
#include <optional>
#include <unordered_map>
#include <utility>

#include "protocol/identity.h"
#include "store/attachments.h"
#include "store/new_conversation_steps.h"
#include "store/sqlite/sqlite_attachment_sql.h"
#include "store/sqlite/sqlite_channel_read_sql.h"
#include "store/sqlite/sqlite_chat_sql.h"
#include "store/sqlite/sqlite_event_sql.h"
#include "store/sqlite/sqlite_mention_sql.h"
#include "store/sqlite/sqlite_push_sql.h"

namespace mqchat::store {
namespace {

namespace sql = sqlite_chat_sql;

using sql::ReadSnapshot;

}  // namespace

Result<std::unique_ptr<SqliteChatStore>> SqliteChatStore::Create(SqliteDbPtr db) {
  if (db == nullptr) {
    return Status::InvalidArgument("SqliteChatStore needs a database");
  }
  std::unique_ptr<SqliteChatStore> store(new SqliteChatStore(std::move(db)));
  MQCHAT_RETURN_IF_ERROR(store->PrepareAll());
  return store;
}

Status SqliteChatStore::PrepareAll() {
  const std::pair<SqliteStmtPtr*, const char*> all[] = {
      {&user_row_, sql::kUserRow},
      {&active_user_, sql::kActiveUser},
      {&ensure_user_, sql::kEnsureUser},
      {&head_, sql::kHead},
      {&member_role_, sql::kMemberRole},
      {&insert_direct_, sql::kInsertDirect},
      {&find_direct_, sql::kFindDirect},
      {&insert_group_, sql::kInsertGroup},
      {&insert_member_, sql::kInsertMember},
      {&adjust_member_count_, sql::kAdjustMemberCount},
      {&delete_member_, sql::kDeleteMember},
      {&promote_oldest_, sql::kPromoteOldest},
      {&rename_, sql::kRename},
      {&mark_read_, sql::kMarkRead},
      {&mark_channel_read_, sqlite_channel_read_sql::kMark},
      {&advance_channel_read_, sqlite_channel_read_sql::kAdvance},
      {&get_conversation_, sql::kGetConversation},
      {&find_message_, sql::kFindMessage},
      {&last_message_at_, sql::kLastMessageAt},
      {&alloc_seqs_, sql::kAllocSeqs},
      {&insert_message_, sql::kInsertMessage},
      {&insert_recent_send_, sql::kInsertRecentSend},
      {&advance_read_, sql::kAdvanceRead},
      {&list_conversations_, sql::kListConversations},
      {&list_members_of_user_, sql::kListMembersOfUser},
      {&history_before_, sql::kHistoryBefore},
      {&history_after_, sql::kHistoryAfter},
      {&max_issued_id_, sql::kMaxIssuedId},
      {&expired_through_, "SELECT expired_through_seq FROM conversations WHERE conversation_id = ?1"},
      {&upsert_push_job_, sqlite_push_sql::kUpsertJob},
      {&target_, sqlite_event_sql::kTarget},
      {&has_reaction_, sqlite_event_sql::kHasReaction},
      {&apply_edit_, sqlite_event_sql::kApplyEdit},
      {&delete_body_, sqlite_event_sql::kDeleteBody},
      {&delete_edit_bodies_, sqlite_event_sql::kDeleteEditBodies},
      {&delete_reactions_, sqlite_event_sql::kDeleteReactions},
      {&scrub_push_preview_, sqlite_event_sql::kScrubPushPreview},
      {&add_reaction_, sqlite_event_sql::kAddReaction},
      {&remove_reaction_, sqlite_event_sql::kRemoveReaction},
      {&messages_before_, sqlite_event_sql::kMessagesBefore},
      {&messages_after_, sqlite_event_sql::kMessagesAfter},
      {&reactions_of_, sqlite_event_sql::kReactionsOf},
      {&insert_mention_, sqlite_mention_sql::kInsertMention},
      {&drop_mentions_not_in_, sqlite_mention_sql::kDropMentionsNotIn},
      {&mention_member_, sqlite_mention_sql::kIsMember},
      {&attachment_row_, sqlite_attachment_sql::kLookUp},
      {&link_attachment_, sqlite_attachment_sql::kLink},
      {&mark_referenced_, sqlite_attachment_sql::kMarkReferenced},
      {&release_attachments_, sqlite_attachment_sql::kReleaseRange},
      {&unlink_attachments_, sqlite_attachment_sql::kUnlinkRange},
  };
  for (const auto& [stmt, sql] : all) {
    MQCHAT_ASSIGN_OR_RETURN(*stmt, PrepareSqlite(db_.get(), sql));
  }
  return PrepareBlocks();
}

// --- writes ---

Status SqliteChatStore::EnsureUsers(const std::vector<NewUser>& users) {
  std::vector<const NewUser*> missing;
  for (const NewUser& user : users) {
    sqlite3_stmt* stmt = user_row_.get();
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool exists, BindAndStep(stmt, user.username));
    if (!exists) missing.push_back(&user);
  }
  if (missing.empty()) {
    return Status::Ok();  // the common case needs no write lock
  }
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  for (const NewUser* user : missing) {
    MQCHAT_RETURN_IF_ERROR(BindAndRun(ensure_user_.get(), user->username,
                                      protocol::UsernameKey(user->username), user->now_ms));
  }
  return txn.Commit();
}

Result<Conversation> SqliteChatStore::OpenDirect(ConversationId new_id, const std::string& a,
                                                 const std::string& b, int64_t now_ms) {
  return OpenDirectSteps(*this, new_id, a, b, now_ms);
}

Result<Conversation> SqliteChatStore::CreateGroup(ConversationId new_id, const std::string& owner,
                                                  const std::string& name,
                                                  const std::vector<std::string>& members,
                                                  int max_members, int64_t now_ms) {
  return CreateGroupSteps(*this, new_id, owner, name, members, max_members, now_ms);
}

Result<std::vector<std::string>> SqliteChatStore::AddMembers(ConversationId id,
                                                             const std::string& actor,
                                                             const std::vector<std::string>& users,
                                                             int max_members, int64_t now_ms) {
  return AddMembersAs(id, &actor, users, max_members, now_ms);
}

Result<std::vector<std::string>> SqliteChatStore::AdminAddMembers(
    ConversationId id, const std::vector<std::string>& users, int max_members, int64_t now_ms) {
  return AddMembersAs(id, nullptr, users, max_members, now_ms);
}

Result<Conversation> SqliteChatStore::AdminCreateGroup(ConversationId new_id,
                                                       const std::string& owner,
                                                       const std::string& name,
                                                       const std::vector<std::string>& members,
                                                       int max_members, int64_t now_ms) {
  return CreateGroupSteps(*this, new_id, owner, name, members, max_members, now_ms,
                          /*members_notice=*/true);
}

Result<std::vector<std::string>> SqliteChatStore::AddMembersAs(
    ConversationId id, const std::string* actor, const std::vector<std::string>& users,
    int max_members, int64_t now_ms) {
  // BEGIN IMMEDIATE serializes this with every other writer, so the count read below cannot
  // change before COMMIT: the limit holds even when adds race on other connections.
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  MQCHAT_ASSIGN_OR_RETURN(std::optional<ConversationAccess> access,
                          ReadAccess(id, actor != nullptr ? *actor : std::string(), nullptr));
  if (!access.has_value()) {
    return NoSuchConversation(id);
  }
  if (actor == nullptr) {
    access->actor_role = MemberRole::kOwner;  // the admin API: the owner's rights
  }
  MQCHAT_RETURN_IF_ERROR(CheckMayAddMembers(*access));
  std::vector<std::string> to_add;
  for (const std::string& user : Deduplicated(users)) {
    MQCHAT_ASSIGN_OR_RETURN(std::optional<MemberRole> role, RoleOf(id, user));
    if (!role.has_value()) {
      to_add.push_back(user);
    }
  }
  MQCHAT_ASSIGN_OR_RETURN(std::vector<std::string> missing, MissingUsers(to_add));
  if (!missing.empty()) {
    return NoSuchUsers(missing);
  }
  const int64_t would_have = access->member_count + static_cast<int64_t>(to_add.size());
  if (would_have > max_members) {
    return GroupFull(would_have, max_members);
  }
  for (const std::string& user : to_add) {
    MQCHAT_RETURN_IF_ERROR(InsertMember(id, user, MemberRole::kMember, now_ms));
  }
  if (!to_add.empty()) {  // nobody new: the members, and so members_version, stay as they are
    MQCHAT_RETURN_IF_ERROR(AdjustMemberCount(id, static_cast<int64_t>(to_add.size())));
    if (actor == nullptr) {
      MQCHAT_RETURN_IF_ERROR(InsertNotices(MembersNotices(id, to_add, now_ms)));
    }
  }
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  return to_add;
}

Status SqliteChatStore::RemoveMember(ConversationId id, const std::string& actor,
                                     const std::string& user) {
  return RemoveMemberAs(id, &actor, user, /*now_ms=*/0);
}

Status SqliteChatStore::AdminRemoveMember(ConversationId id, const std::string& user,
                                          int64_t now_ms) {
  return RemoveMemberAs(id, nullptr, user, now_ms);
}

Status SqliteChatStore::RemoveMemberAs(ConversationId id, const std::string* actor,
                                       const std::string& user, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  const std::string who = actor != nullptr ? *actor : std::string();
  MQCHAT_ASSIGN_OR_RETURN(std::optional<ConversationAccess> access, ReadAccess(id, who, &user));
  if (!access.has_value()) {
    return NoSuchConversation(id);
  }
  if (actor == nullptr) {
    access->actor_role = MemberRole::kOwner;  // the admin API: the owner's rights
  }
  MQCHAT_RETURN_IF_ERROR(CheckMayRemoveMember(*access, who, user));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(delete_member_.get(), id, user));
  MQCHAT_RETURN_IF_ERROR(AdjustMemberCount(id, -1));
  if (*access->target_role == MemberRole::kOwner) {
    MQCHAT_RETURN_IF_ERROR(BindAndRun(promote_oldest_.get(), id));  // no-op if nobody is left
  }
  if (actor == nullptr) {
    MQCHAT_RETURN_IF_ERROR(InsertNotices(MembersNotices(id, {user}, now_ms)));
  }
  return txn.Commit();
}

Status SqliteChatStore::RenameGroup(ConversationId id, const std::string& actor,
                                    const std::string& name) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  MQCHAT_ASSIGN_OR_RETURN(std::optional<ConversationAccess> access, ReadAccess(id, actor, nullptr));
  if (!access.has_value()) {
    return NoSuchConversation(id);
  }
  MQCHAT_RETURN_IF_ERROR(CheckMayRename(*access));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(rename_.get(), id, name));
  return txn.Commit();
}

Result<int64_t> SqliteChatStore::MarkRead(ConversationId id, const std::string& user, int64_t seq) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  int64_t read_seq = 0;
  {
    sqlite3_stmt* stmt = mark_read_.get();
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id, user, seq));
    if (!has_row) {
      return Status::PermissionDenied(user + " is not a member of conversation " +
                                      std::to_string(id));
    }
    read_seq = ColumnInt64(stmt, 0);
  }
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  return read_seq;
}

// --- reads ---

Result<Conversation> SqliteChatStore::GetConversation(ConversationId id) {
  return LoadConversation(id);
}

Result<std::vector<ConversationSummary>> SqliteChatStore::ListConversations(
    const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(ReadSnapshot snapshot, ReadSnapshot::Begin(db_.get()));
  std::vector<ConversationSummary> out;
  std::unordered_map<ConversationId, size_t> index;
  {
    sqlite3_stmt* stmt = list_conversations_.get();
    StmtReset reset(stmt);
    MQCHAT_RETURN_IF_ERROR(BindAll(stmt, user));
    while (true) {
      MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
      if (!has_row) {
        break;
      }
      ConversationSummary summary;
      summary.id = ColumnInt64(stmt, 0);
      MQCHAT_ASSIGN_OR_RETURN(summary.kind, KindFromColumn(ColumnInt64(stmt, 1)));
      summary.name = ColumnText(stmt, 2);
      summary.last_seq = ColumnInt64(stmt, 3);
      summary.read_seq = ColumnInt64(stmt, 4);
      summary.muted_until_ms = ColumnInt64(stmt, 5);
      summary.unread = ColumnInt64(stmt, 6);
      summary.slow_mode_s = ColumnInt64(stmt, 20);
      if (sqlite3_column_type(stmt, 7) != SQLITE_NULL) {
        summary.last_message = sql::ReadMessage(stmt, 7);
        summary.last_message->mentions = sql::ReadMentions(stmt, 18);
        summary.last_message->attachments = ParseAttachmentsColumn(ColumnText(stmt, 21));
      }
      summary.unread_mentions = ColumnInt64(stmt, 19);
      index.emplace(summary.id, out.size());
      out.push_back(std::move(summary));
    }
  }
  {
    sqlite3_stmt* stmt = list_members_of_user_.get();
    StmtReset reset(stmt);
    MQCHAT_RETURN_IF_ERROR(BindAll(stmt, user));
    while (true) {
      MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
      if (!has_row) {
        break;
      }
      auto it = index.find(ColumnInt64(stmt, 0));
      if (it != index.end()) {
        out[it->second].members.push_back(ColumnText(stmt, 1));
      }
    }
  }
  return out;
}

Result<std::vector<StoredMessage>> SqliteChatStore::ReadHistory(ConversationId id,
                                                                int64_t after_seq,
                                                                int64_t before_seq, int limit) {
  const bool before = before_seq > 0;
  sqlite3_stmt* stmt = before ? history_before_.get() : history_after_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindAll(stmt, id, before ? before_seq : after_seq,
                                   static_cast<int64_t>(ClampHistoryLimit(limit))));
  std::vector<StoredMessage> out;
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
    if (!has_row) {
      break;
    }
    out.push_back(sql::ReadMessage(stmt, 0));
    out.back().mentions = sql::ReadMentions(stmt, 11);
    out.back().attachments = ParseAttachmentsColumn(ColumnText(stmt, 12));
  }
  if (before) {
    std::reverse(out.begin(), out.end());  // read newest first; returned ascending
  }
  return out;
}

Result<int64_t> SqliteChatStore::MaxIssuedId() {
  sqlite3_stmt* stmt = max_issued_id_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
  if (!has_row) {
    return Status::Internal("no result from the largest-id query");
  }
  return ColumnInt64(stmt, 0);
}

Result<int64_t> SqliteChatStore::ExpiredThroughSeq(ConversationId id) {
  sqlite3_stmt* stmt = expired_through_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id));
  return has_row ? ColumnInt64(stmt, 0) : int64_t{0};
}

}  // namespace mqchat::store
