// PgChatStore's blocks and direct-message policy (ChatStore::Block .. BlockedBy), its BlockSql
// for BlockSteps, and the refusal check OpenDirect runs.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/block_steps.h"
#include "store/pg/pg_block_sql.h"
#include "store/pg/pg_chat_store.h"

namespace mqchat::store {
namespace {
namespace sql = pg_block_sql;
}  // namespace

Result<std::vector<BlockedUser>> PgChatStore::Block(const std::string& blocker,
                                                    const std::string& blocked, int max_blocks,
                                                    int64_t now_ms) {
  return BlockSteps(*this, blocker, blocked, max_blocks, now_ms);
}

Result<std::vector<BlockedUser>> PgChatStore::Unblock(const std::string& blocker,
                                                      const std::string& blocked) {
  MQCHAT_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, BeginWrite());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Run(sql::kDeleteBlock, PgParams().Text(blocker).Text(blocked)));
  MQCHAT_ASSIGN_OR_RETURN(std::vector<BlockedUser> list, ListBlocks(blocker));
  MQCHAT_RETURN_IF_ERROR(txn->Commit());
  return list;
}

Status PgChatStore::SetDmPolicy(const std::string& user, DmPolicy policy) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      Run(sql::kSetPolicy, PgParams().Text(user).Int(static_cast<int64_t>(policy))));
  return Status::Ok();
}

Result<PrivacySettings> PgChatStore::GetPrivacy(const std::string& user) {
  // Two statements, each consistent by itself; nothing relies on them sharing a snapshot.
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  PrivacySettings out;
  MQCHAT_ASSIGN_OR_RETURN(out.blocked, ListBlocks(user));
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kGetPolicy, PgParams().Text(user)));
  if (PQntuples(res.get()) == 1) {
    MQCHAT_ASSIGN_OR_RETURN(int64_t policy, PgInt64(res.get(), 0, 0));
    MQCHAT_ASSIGN_OR_RETURN(out.dm_policy, DmPolicyFromColumn(policy));
  }
  return out;
}

Result<std::vector<std::string>> PgChatStore::BlockedBy(const std::string& user) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kBlockedBy, PgParams().Text(user)));
  std::vector<std::string> out;
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    out.push_back(PgText(res.get(), row, 0));
  }
  return out;
}

Result<bool> PgChatStore::DirectRefused(const std::string& sender, const std::string& recipient,
                                        const std::string& direct_key) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      Run(sql::kRefusedByKey, PgParams()
                                  .Text(sender)
                                  .Text(recipient)
                                  .Text(direct_key)
                                  .Text(shares_group_elsewhere_ ? "true" : "false")));
  return PQntuples(res.get()) > 0;
}

Result<Conversation> PgChatStore::OpenDirectSharingGroup(ConversationId new_id,
                                                         const std::string& a, const std::string& b,
                                                         int64_t now_ms) {
  shares_group_elsewhere_ = true;
  auto opened = OpenDirect(new_id, a, b, now_ms);
  shares_group_elsewhere_ = false;
  return opened;
}

Result<std::vector<AppendResult>> PgChatStore::AppendBatchSharingGroup(
    const std::vector<AppendRequest>& batch) {
  shares_group_elsewhere_ = true;
  auto appended = AppendBatch(batch);
  shares_group_elsewhere_ = false;
  return appended;
}

Result<bool> PgChatStore::SharesGroup(const std::string& a, const std::string& b) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kSharesGroup, PgParams().Text(a).Text(b)));
  return PQntuples(res.get()) > 0;
}

// --- BlockSql ---

Result<std::unique_ptr<WriteTxn>> PgChatStore::BeginBlockWrite() { return BeginWrite(); }

Result<bool> PgChatStore::UserIsActive(const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(std::vector<std::string> missing, FindMissingUsers({user}));
  return missing.empty();
}

Result<bool> PgChatStore::IsBlocked(const std::string& blocker, const std::string& blocked) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Run(sql::kIsBlocked, PgParams().Text(blocker).Text(blocked)));
  return PQntuples(res.get()) > 0;
}

Result<int64_t> PgChatStore::CountBlocks(const std::string& blocker) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr locked, Run(sql::kLockBlocker, PgParams().Text(blocker)));
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kCountBlocks, PgParams().Text(blocker)));
  return PgInt64(res.get(), 0, 0);
}

Status PgChatStore::InsertBlock(const std::string& blocker, const std::string& blocked,
                                int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      Run(sql::kInsertBlock, PgParams().Text(blocker).Text(blocked).Int(now_ms)));
  return Status::Ok();
}

Result<std::vector<BlockedUser>> PgChatStore::ListBlocks(const std::string& blocker) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Run(sql::kListBlocks, PgParams().Text(blocker)));
  std::vector<BlockedUser> out;
  for (int row = 0; row < PQntuples(res.get()); ++row) {
    BlockedUser user;
    user.username = PgText(res.get(), row, 0);
    MQCHAT_ASSIGN_OR_RETURN(user.created_at_ms, PgInt64(res.get(), row, 1));
    out.push_back(std::move(user));
  }
  return out;
}

}  // namespace mqchat::store
