// ChatStore on PostgreSQL (store/chat_store.h). Owns one connection; confined to the thread that
// uses it. Several brokers may share the database: conversation row locks keep seqs gapless
// and member limits exact. Build it through store_factory.h, which also applies the migrations.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/admin_chat_store.h"
#include "store/block_steps.h"
#include "store/chat_rules.h"
#include "store/chat_store.h"
#include "store/new_conversation_steps.h"
#include "store/pg/pg_handles.h"

namespace mqchat::store {

class PgChatStore final : public AdminChatStore, private NewConversationSql, private BlockSql {
 public:
  // Prepares every statement on `conn`, whose database must already be at the newest schema.
  // If the connection is lost, the failing call returns kUnavailable (nothing was committed,
  // unless the loss hit the COMMIT itself) and the next call reconnects, and prepares again,
  // before it runs. `shard`: the database is a shard of a sharded store (StoreConfig::pg_shards),
  // whose push targets are in the global database.
  static Result<std::unique_ptr<PgChatStore>> Create(PgConnPtr conn, bool shard = false);

  // ChatStore (and AdminChatStore's group changes)
  // AppendBatch takes two round trips whatever the batch holds, three when slow mode paces one
  // of its messages (pipeline mode: pg_chat_append.cpp).
  Result<std::vector<AppendResult>> AppendBatch(const std::vector<AppendRequest>& batch) override;
  Status EnsureUsers(const std::vector<NewUser>& users) override;
  // A shard of a sharded store: the upload rows PgShardDirectory::TakeUploads read from the
  // global database (`rows`, its JSON), copied here or brought up to date, before a send here
  // names them (store/sharded_chat_store.h; pg_chat_attachments.cpp).
  Status CopyUploads(const std::string& rows);
  // A shard of a sharded store: OpenDirect when a group `a` and `b` share is known to be in
  // another database (ShardedChatStore looked there): `b`'s shared_group policy is met; a block
  // still refuses (pg_blocks.cpp).
  Result<Conversation> OpenDirectSharingGroup(ConversationId new_id, const std::string& a,
                                              const std::string& b, int64_t now_ms);
  // A shard of a sharded store: AppendBatch of messages into direct conversations whose two
  // members share a group in another database (ShardedChatStore looked there): their
  // shared_group policy is met; a block still refuses.
  Result<std::vector<AppendResult>> AppendBatchSharingGroup(
      const std::vector<AppendRequest>& batch);
  // Whether `a` and `b` are both members of a group in this database.
  Result<bool> SharesGroup(const std::string& a, const std::string& b);
  Result<Conversation> OpenDirect(ConversationId new_id, const std::string& a, const std::string& b,
                                  int64_t now_ms) override;
  Result<Conversation> CreateGroup(ConversationId new_id, const std::string& owner,
                                   const std::string& name, const std::vector<std::string>& members,
                                   int max_members, int64_t now_ms) override;
  Result<std::vector<std::string>> AddMembers(ConversationId id, const std::string& actor,
                                              const std::vector<std::string>& users,
                                              int max_members, int64_t now_ms) override;
  Status RemoveMember(ConversationId id, const std::string& actor,
                      const std::string& user) override;
  Result<Conversation> AdminCreateGroup(ConversationId new_id, const std::string& owner,
                                        const std::string& name,
                                        const std::vector<std::string>& members, int max_members,
                                        int64_t now_ms) override;
  Result<std::vector<std::string>> AdminAddMembers(ConversationId id,
                                                   const std::vector<std::string>& users,
                                                   int max_members, int64_t now_ms) override;
  Status AdminRemoveMember(ConversationId id, const std::string& user, int64_t now_ms) override;
  Status RenameGroup(ConversationId id, const std::string& actor, const std::string& name) override;
  Result<int64_t> MarkRead(ConversationId id, const std::string& user, int64_t seq) override;
  Result<int64_t> MarkChannelRead(ConversationId id, const std::string& user,
                                  int64_t seq) override;
  Result<Conversation> GetConversation(ConversationId id) override;
  Result<std::vector<ConversationSummary>> ListConversations(const std::string& user) override;
  Result<std::vector<StoredMessage>> ReadHistory(ConversationId id, int64_t after_seq,
                                                 int64_t before_seq, int limit) override;
  // pg_chat_events.cpp: two statements (the page with its quotes, then its reactions).
  Result<std::vector<MessageView>> ReadMessages(ConversationId id, const std::string& reader,
                                                int64_t after_seq, int64_t before_seq,
                                                int limit) override;
  Result<int64_t> MaxIssuedId() override;
  Result<int64_t> ExpiredThroughSeq(ConversationId id) override;
  // Blocks and the direct-message policy: pg_blocks.cpp.
  Result<std::vector<BlockedUser>> Block(const std::string& blocker, const std::string& blocked,
                                         int max_blocks, int64_t now_ms) override;
  Result<std::vector<BlockedUser>> Unblock(const std::string& blocker,
                                           const std::string& blocked) override;
  Status SetDmPolicy(const std::string& user, DmPolicy policy) override;
  Result<PrivacySettings> GetPrivacy(const std::string& user) override;
  Result<std::vector<std::string>> BlockedBy(const std::string& user) override;

 private:
  // AddMembers and RemoveMember by `actor`, or (null) by the admin API with the owner's rights
  // and a kMembers notice per user added or removed.
  Result<std::vector<std::string>> AddMembersAs(ConversationId id, const std::string* actor,
                                                const std::vector<std::string>& users,
                                                int max_members, int64_t now_ms);
  Status RemoveMemberAs(ConversationId id, const std::string* actor, const std::string& user,
                        int64_t now_ms);
  // A name as kLookupPeople sees it in one conversation.
  struct Person {
    std::string username;
    std::optional<MemberRole> role;  // empty: not a member
    bool exists = false;             // a user of that name exists and is not deleted
  };

  PgChatStore(PgConnection conn, bool shard) : conn_(std::move(conn)), shard_(shard) {}
  Result<PgResultPtr> Run(const PgStatement& stmt, const PgParams& params);

  // Steps used inside the callers' transactions.
  Result<std::vector<Person>> LookupPeople(ConversationId id,
                                           const std::vector<std::string>& names);
  // Locks the conversation row, then reads the roles of `actor` and `target` (may be null).
  // nullopt if the conversation does not exist.
  Result<std::optional<ConversationAccess>> LockAccess(ConversationId id, const std::string& actor,
                                                       const std::string* target);

  // NewConversationSql
  Result<std::unique_ptr<WriteTxn>> BeginWrite() override;
  Result<std::vector<std::string>> FindMissingUsers(const std::vector<std::string>& users) override;
  Result<bool> InsertDirect(ConversationId id, const std::string& direct_key,
                            const std::string& created_by, int64_t now_ms) override;
  Result<bool> DirectRefused(const std::string& sender, const std::string& recipient,
                             const std::string& direct_key) override;
  Result<ConversationId> FindDirect(const std::string& direct_key,
                                    const std::string& what) override;
  Status InsertGroup(ConversationId id, const std::string& name, int64_t member_count,
                     const std::string& owner, int64_t now_ms) override;
  Status InsertMembers(ConversationId id, const std::vector<std::string>& users,
                       const std::string* owner, int64_t now_ms) override;
  Result<Conversation> LoadConversation(ConversationId id) override;
  Status InsertNotices(const std::vector<BrokerNotice>& notices) override;

  // BlockSql
  Result<std::unique_ptr<WriteTxn>> BeginBlockWrite() override;
  Result<bool> UserIsActive(const std::string& user) override;
  Result<bool> IsBlocked(const std::string& blocker, const std::string& blocked) override;
  Result<int64_t> CountBlocks(const std::string& blocker) override;
  Status InsertBlock(const std::string& blocker, const std::string& blocked,
                     int64_t now_ms) override;
  Result<std::vector<BlockedUser>> ListBlocks(const std::string& blocker) override;

  PgConnection conn_;
  // A shard of a sharded store: push jobs are recorded without the push target filter, as the
  // targets are in the global database.
  const bool shard_;
  // Set only during OpenDirectSharingGroup and AppendBatchSharingGroup: a group known elsewhere.
  bool shares_group_elsewhere_ = false;
};

}  // namespace mqchat::store
