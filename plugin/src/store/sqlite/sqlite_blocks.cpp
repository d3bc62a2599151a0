// SqliteChatStore's blocks and direct-message policy (ChatStore::Block .. BlockedBy), its
// BlockSql for BlockSteps, and the refusal checks OpenDirect and AppendBatch run.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/block_steps.h"
#include "store/sqlite/sqlite_block_sql.h"
#include "store/sqlite/sqlite_chat_store.h"

namespace mqchat::store {
namespace {
namespace sql = sqlite_block_sql;
}  // namespace

Status SqliteChatStore::PrepareBlocks() {
  const std::pair<SqliteStmtPtr*, const char*> all[] = {
      {&is_blocked_, sql::kIsBlocked},     {&count_blocks_, sql::kCountBlocks},
      {&insert_block_, sql::kInsertBlock}, {&delete_block_, sql::kDeleteBlock},
      {&list_blocks_, sql::kListBlocks},   {&blocked_by_, sql::kBlockedBy},
      {&get_policy_, sql::kGetPolicy},     {&set_policy_, sql::kSetPolicy},
      {&refused_by_key_, sql::kRefusedByKey},
      {&refused_in_conversation_, sql::kRefusedInConversation},
  };
  for (const auto& [stmt, text] : all) {
    MQCHAT_ASSIGN_OR_RETURN(*stmt, PrepareSqlite(db_.get(), text));
  }
  return Status::Ok();
}

Result<std::vector<BlockedUser>> SqliteChatStore::Block(const std::string& blocker,
                                                        const std::string& blocked,
                                                        int max_blocks, int64_t now_ms) {
  return BlockSteps(*this, blocker, blocked, max_blocks, now_ms);
}

Result<std::vector<BlockedUser>> SqliteChatStore::Unblock(const std::string& blocker,
                                                          const std::string& blocked) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(delete_block_.get(), blocker, blocked));
  MQCHAT_ASSIGN_OR_RETURN(std::vector<BlockedUser> list, ListBlocks(blocker));
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  return list;
}

Status SqliteChatStore::SetDmPolicy(const std::string& user, DmPolicy policy) {
  return BindAndRun(set_policy_.get(), user, static_cast<int64_t>(policy));
}

Result<PrivacySettings> SqliteChatStore::GetPrivacy(const std::string& user) {
  MQCHAT_RETURN_IF_ERROR(ExecSqlite(db_.get(), "BEGIN"));  // one snapshot for both reads
  auto read = [&]() -> Result<PrivacySettings> {
    PrivacySettings out;
    MQCHAT_ASSIGN_OR_RETURN(out.blocked, ListBlocks(user));
    sqlite3_stmt* stmt = get_policy_.get();
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, user));
    if (has_row) {
      MQCHAT_ASSIGN_OR_RETURN(out.dm_policy, DmPolicyFromColumn(ColumnInt64(stmt, 0)));
    }
    return out;
  };
  Result<PrivacySettings> out = read();
  MQCHAT_RETURN_IF_ERROR(ExecSqlite(db_.get(), "ROLLBACK"));
  return out;
}

Result<std::vector<std::string>> SqliteChatStore::BlockedBy(const std::string& user) {
  std::vector<std::string> out;
  sqlite3_stmt* stmt = blocked_by_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, user));
  while (has_row) {
    out.push_back(ColumnText(stmt, 0));
    MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
  }
  return out;
}

Result<bool> SqliteChatStore::DirectRefused(const std::string& sender,
                                            const std::string& recipient,
                                            const std::string& direct_key) {
  sqlite3_stmt* stmt = refused_by_key_.get();
  StmtReset reset(stmt);
  return BindAndStep(stmt, sender, recipient, direct_key);
}

Result<bool> SqliteChatStore::RefusedInConversation(ConversationId id, const std::string& sender) {
  sqlite3_stmt* stmt = refused_in_conversation_.get();
  StmtReset reset(stmt);
  return BindAndStep(stmt, id, sender);
}

// --- BlockSql ---

Result<std::unique_ptr<WriteTxn>> SqliteChatStore::BeginBlockWrite() { return BeginWrite(); }

Result<bool> SqliteChatStore::UserIsActive(const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(std::vector<std::string> missing, MissingUsers({user}));
  return missing.empty();
}

Result<bool> SqliteChatStore::IsBlocked(const std::string& blocker, const std::string& blocked) {
  sqlite3_stmt* stmt = is_blocked_.get();
  StmtReset reset(stmt);
  return BindAndStep(stmt, blocker, blocked);
}

Result<int64_t> SqliteChatStore::CountBlocks(const std::string& blocker) {
  sqlite3_stmt* stmt = count_blocks_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, blocker));
  return has_row ? ColumnInt64(stmt, 0) : 0;
}

Status SqliteChatStore::InsertBlock(const std::string& blocker, const std::string& blocked,
                                    int64_t now_ms) {
  return BindAndRun(insert_block_.get(), blocker, blocked, now_ms);
}

Result<std::vector<BlockedUser>> SqliteChatStore::ListBlocks(const std::string& blocker) {
  std::vector<BlockedUser> out;
  sqlite3_stmt* stmt = list_blocks_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, blocker));
  while (has_row) {
    out.push_back(BlockedUser{ColumnText(stmt, 0), ColumnInt64(stmt, 1)});
    MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
  }
  return out;
}

}  // namespace mqchat::store
