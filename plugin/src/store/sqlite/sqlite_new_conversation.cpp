// SqliteChatStore as NewConversationSql: the SQL that OpenDirectSteps and CreateGroupSteps
// (store/new_conversation_steps.h) run for OpenDirect and CreateGroup.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/sqlite/sqlite_chat_store.h"
#include "store/sqlite/sqlite_chat_sql.h"
#include "store/sqlite/sqlite_notices.h"
#include "store/new_conversation_steps.h"

namespace mqchat::store {
namespace {
namespace sql = sqlite_chat_sql;
}  // namespace

Result<std::unique_ptr<WriteTxn>> SqliteChatStore::BeginWrite() {
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  return std::unique_ptr<WriteTxn>(new WriteTxnOf<SqliteTxn>(std::move(txn)));
}

Result<std::vector<std::string>> SqliteChatStore::FindMissingUsers(
    const std::vector<std::string>& users) {
  return MissingUsers(users);
}

Result<bool> SqliteChatStore::InsertDirect(ConversationId id, const std::string& direct_key,
                                           const std::string& created_by, int64_t now_ms) {
  MQCHAT_RETURN_IF_ERROR(BindAndRun(insert_direct_.get(), id, direct_key, created_by, now_ms));
  return sqlite3_changes(db_.get()) == 1;
}

Result<ConversationId> SqliteChatStore::FindDirect(const std::string& direct_key,
                                                   const std::string& what) {
  sqlite3_stmt* stmt = find_direct_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, direct_key));
  if (!has_row) {
    return Status::Internal(what);
  }
  return ColumnInt64(stmt, 0);
}

Status SqliteChatStore::InsertGroup(ConversationId id, const std::string& name,
                                    int64_t member_count, const std::string& owner,
                                    int64_t now_ms) {
  return BindAndRun(insert_group_.get(), id, name, member_count, owner, now_ms);
}

Status SqliteChatStore::InsertMembers(ConversationId id, const std::vector<std::string>& users,
                                      const std::string* owner, int64_t now_ms) {
  for (const std::string& user : users) {
    const bool is_owner = owner != nullptr && user == *owner;
    MQCHAT_RETURN_IF_ERROR(
        InsertMember(id, user, is_owner ? MemberRole::kOwner : MemberRole::kMember, now_ms));
  }
  return Status::Ok();
}

Status SqliteChatStore::InsertNotices(const std::vector<BrokerNotice>& notices) {
  return InsertNoticesSqlite(db_.get(), notices);
}

}  // namespace mqchat::store
