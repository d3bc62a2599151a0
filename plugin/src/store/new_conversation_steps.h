// The steps of ChatStore::OpenDirect and ChatStore::CreateGroup above the SQL, written once for
// both backends: the checks made before any transaction, the member list and roles, the order
// of the writes, and which id the caller gets back. A backend implements NewConversationSql
// (each method is one or two statements inside the open transaction) and calls
// OpenDirectSteps / CreateGroupSteps. Confined to the thread of the store that runs them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mqchat/status.h"
#include "store/broker_notices.h"
#include "store/chat_store.h"

namespace mqchat::store {

// A write transaction a backend began: rolled back when destroyed unless Commit() succeeded.
class WriteTxn {
 public:
  virtual ~WriteTxn() = default;
  virtual Status Commit() = 0;
};

// Adapts a backend's move-only transaction type (SqliteTxn, PgTxn) to WriteTxn.
template <typename Txn>
class WriteTxnOf final : public WriteTxn {
 public:
  explicit WriteTxnOf(Txn txn) : txn_(std::move(txn)) {}
  Status Commit() override { return txn_.Commit(); }

 private:
  Txn txn_;
};

// What a backend runs for the steps; everything but BeginWrite runs inside its transaction.
class NewConversationSql {
 public:
  virtual ~NewConversationSql() = default;

  // Begins the write transaction (reconnecting first, if the backend has to).
  virtual Result<std::unique_ptr<WriteTxn>> BeginWrite() = 0;
  // The users of `users` that do not exist or are deleted, in the order given.
  virtual Result<std::vector<std::string>> FindMissingUsers(
      const std::vector<std::string>& users) = 0;
  // Inserts the direct conversation `id` of `direct_key` with two members' count, unless one
  // with that key exists. True if it inserted (the members are not added yet).
  virtual Result<bool> InsertDirect(ConversationId id, const std::string& direct_key,
                                    const std::string& created_by, int64_t now_ms) = 0;
  // Whether `recipient` refuses a direct message from `sender` (MQCHAT_DM_REFUSED_SQL, with
  // the conversation of `direct_key` if there is one).
  virtual Result<bool> DirectRefused(const std::string& sender, const std::string& recipient,
                                     const std::string& direct_key) = 0;
  // The id of the direct conversation with `direct_key`; kInternal naming `what` if none.
  virtual Result<ConversationId> FindDirect(const std::string& direct_key,
                                            const std::string& what) = 0;
  virtual Status InsertGroup(ConversationId id, const std::string& name, int64_t member_count,
                             const std::string& owner, int64_t now_ms) = 0;
  // Adds `users` to conversation `id`, joined at `now_ms`, with read_seq 0: the one equal to
  // `owner` (null: none) as kOwner, the others as kMember. Does not touch member_count.
  virtual Status InsertMembers(ConversationId id, const std::vector<std::string>& users,
                               const std::string* owner, int64_t now_ms) = 0;
  // The conversation with its members (kNotFound if there is none).
  virtual Result<Conversation> LoadConversation(ConversationId id) = 0;
  // Adds broker notices (store/broker_notices.h) in the open transaction.
  virtual Status InsertNotices(const std::vector<BrokerNotice>& notices) = 0;
};

// ChatStore::OpenDirect: refuses a == b (kInvalidArgument) before any transaction; then, in one
// transaction, refuses unknown users (kNotFound), then refuses if `b` does not accept direct
// messages from `a` (NotAccepting, store/block_steps.h), inserts the conversation with id
// `new_id` and both members unless the pair has one already, and returns the pair's
// conversation.
Result<Conversation> OpenDirectSteps(NewConversationSql& sql, ConversationId new_id,
                                     const std::string& a, const std::string& b, int64_t now_ms);

// ChatStore::CreateGroup: the members are `owner` then `members` without repeats; more than
// `max_members` is refused (kResourceExhausted) before any transaction; then, in one
// transaction, unknown users are refused (kNotFound), the group `new_id` and its members are
// inserted (the owner as kOwner), and the new group is returned. With `members_notice` (the
// admin API's AdminChatStore::AdminCreateGroup) a kMembers broker notice is added in the same
// transaction.
Result<Conversation> CreateGroupSteps(NewConversationSql& sql, ConversationId new_id,
                                      const std::string& owner, const std::string& name,
                                      const std::vector<std::string>& members, int max_members,
                                      int64_t now_ms, bool members_notice = false);

// The kMembers notices of an admin change of conversation `id`: one per user of `users`, or
// one with no user if `users` is empty (a new group).
std::vector<BrokerNotice> MembersNotices(ConversationId id, const std::vector<std::string>& users,
                                         int64_t now_ms);

}  // namespace mqchat::store
