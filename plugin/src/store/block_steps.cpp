#include "store/block_steps.h"

namespace mqchat::store {
namespace {
constexpr char kNotAcceptingMessage[] = " does not accept direct messages from you";
}  // namespace

Status NotAccepting(const std::string& recipient) {
  return Status::FailedPrecondition(recipient + kNotAcceptingMessage);
}

bool IsNotAccepting(const Status& status) {
  return status.code() == Code::kFailedPrecondition &&
         status.message().find(kNotAcceptingMessage) != std::string::npos;
}

Result<DmPolicy> DmPolicyFromColumn(int64_t value) {
  switch (value) {
    case 0:
      return DmPolicy::kEveryone;
    case 1:
      return DmPolicy::kSharedGroup;
    case 2:
      return DmPolicy::kExistingOnly;
    default:
      return Status::Internal("dm_policies.policy holds " + std::to_string(value));
  }
}

Result<std::vector<BlockedUser>> BlockSteps(BlockSql& sql, const std::string& blocker,
                                            const std::string& blocked, int max_blocks,
                                            int64_t now_ms) {
  if (blocker == blocked) {
    return Status::InvalidArgument("you cannot block yourself");
  }
  MQCHAT_ASSIGN_OR_RETURN(std::unique_ptr<WriteTxn> txn, sql.BeginBlockWrite());
  MQCHAT_ASSIGN_OR_RETURN(bool active, sql.UserIsActive(blocked));
  if (!active) {
    return Status::NotFound("no such user: " + blocked);
  }
  MQCHAT_ASSIGN_OR_RETURN(bool already, sql.IsBlocked(blocker, blocked));
  if (!already) {
    MQCHAT_ASSIGN_OR_RETURN(int64_t count, sql.CountBlocks(blocker));
    if (count >= max_blocks) {
      return Status::ResourceExhausted("you have blocked " + std::to_string(count) +
                                       " users; the limit is " + std::to_string(max_blocks));
    }
    MQCHAT_RETURN_IF_ERROR(sql.InsertBlock(blocker, blocked, now_ms));
  }
  MQCHAT_ASSIGN_OR_RETURN(std::vector<BlockedUser> list, sql.ListBlocks(blocker));
  MQCHAT_RETURN_IF_ERROR(txn->Commit());
  return list;
}

}  // namespace mqchat::store
