// Blocks and the direct-message policy, written once for both ChatStore backends: the rule that
// decides whether a user accepts a direct message (one SQL condition, MQCHAT_DM_REFUSED_SQL,
// which both dialects run unchanged), the errors, and the steps of ChatStore::Block above the
// SQL. A backend implements BlockSql (each method one statement inside the open transaction)
// and calls BlockSteps. Confined to the thread of the store that runs them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/chat_store.h"
#include "store/new_conversation_steps.h"

namespace mqchat::store {

// The largest block list a user may have (kResourceExhausted beyond).
inline constexpr int kMaxBlocks = 1000;

// True (the row exists) when `d.recipient` does not accept a direct message from `d.sender` in
// the direct conversation `d.conv` (NULL: none yet), where `d` is a derived table the statement
// builds with those three columns. Refused: the recipient blocked the sender; or the
// recipient's policy is not "everyone", the recipient has not written in the conversation, and
// the policy is not "shared group" with a group shared by both, in this database or, with
// PostgreSQL shards, known to be in another (`SHARED`, an SQL boolean the statement gives: the
// sharded store found such a group elsewhere; store/sharded_chat_store.h). A macro so that
// statements of both backends embed it as literal text (adjacent string literals).
// Every lookup is an index probe: blocks' key, dm_policies' key, messages' unique
// (conversation_id, sender, ...) index, members' key and members_username_idx.
#define MQCHAT_DM_REFUSED_UNLESS_SQL(SHARED)                                                   \
  "(EXISTS (SELECT 1 FROM blocks b WHERE b.blocker = d.recipient AND b.blocked = d.sender) "   \
  "OR (COALESCE((SELECT p.policy FROM dm_policies p WHERE p.username = d.recipient), 0) <> 0 " \
  "AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = d.conv "                 \
  "AND m.sender = d.recipient) "                                                               \
  "AND NOT (COALESCE((SELECT p.policy FROM dm_policies p WHERE p.username = d.recipient), 0) " \
  "= 1 AND (" SHARED                                                                           \
  " OR EXISTS (SELECT 1 FROM members a JOIN members s ON "                                     \
  "s.conversation_id = a.conversation_id AND s.username = d.sender JOIN conversations g ON "   \
  "g.conversation_id = a.conversation_id AND g.kind = 2 WHERE a.username = d.recipient)))))"
// The same with no group known elsewhere (one database sees every group itself).
#define MQCHAT_DM_REFUSED_SQL MQCHAT_DM_REFUSED_UNLESS_SQL("0 = 1")

// The one answer for "blocked" and "the policy leaves you out" (kFailedPrecondition), so no
// answer tells a sender that they were blocked.
Status NotAccepting(const std::string& recipient);
bool IsNotAccepting(const Status& status);

// DmPolicy from its column value; kInternal for one the schema's CHECK should have refused.
Result<DmPolicy> DmPolicyFromColumn(int64_t value);

// What a backend runs for BlockSteps; everything but BeginWrite runs inside its transaction.
class BlockSql {
 public:
  virtual ~BlockSql() = default;
  virtual Result<std::unique_ptr<WriteTxn>> BeginBlockWrite() = 0;
  // Whether `user` exists and is not deleted.
  virtual Result<bool> UserIsActive(const std::string& user) = 0;
  virtual Result<bool> IsBlocked(const std::string& blocker, const std::string& blocked) = 0;
  virtual Result<int64_t> CountBlocks(const std::string& blocker) = 0;
  virtual Status InsertBlock(const std::string& blocker, const std::string& blocked,
                             int64_t now_ms) = 0;
  // Ordered by name.
  virtual Result<std::vector<BlockedUser>> ListBlocks(const std::string& blocker) = 0;
};

// ChatStore::Block.
Result<std::vector<BlockedUser>> BlockSteps(BlockSql& sql, const std::string& blocker,
                                            const std::string& blocked, int max_blocks,
                                            int64_t now_ms);

}  // namespace mqchat::store
