// ChatStore on SQLite (store/chat_store.h). Owns one connection; confined to the thread that
// uses it. Every write runs in BEGIN IMMEDIATE, which serializes writers across connections and
// processes. Build it through store_factory.h, which also applies the migrations.
// Its definitions, by concept: sqlite_chat_store.cpp (statements, writes, reads),
// sqlite_chat_steps.cpp (the single-statement steps the writes run inside their transactions),
// sqlite_chat_append.cpp (AppendBatch), sqlite_new_conversation.cpp (NewConversationSql),
// sqlite_chat_events.cpp (the event kinds' lookups and changes, and `history`'s message view),
// sqlite_blocks.cpp (blocks, the direct-message policy and its refusals; BlockSql).
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
#include "sqlite/sqlite_helpers.h"

namespace mqchat::store {

class AppendPlan;
struct MessageKey;
struct TargetState;

class SqliteChatStore final : public AdminChatStore, private NewConversationSql, private BlockSql {
 public:
  // Prepares every statement on `db`, which must already be at the newest schema.
  static Result<std::unique_ptr<SqliteChatStore>> Create(SqliteDbPtr db);

  // ChatStore (and AdminChatStore's group changes)
  Result<std::vector<AppendResult>> AppendBatch(const std::vector<AppendRequest>& batch) override;
  Status EnsureUsers(const std::vector<NewUser>& users) override;
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
                                  int64_t seq) override;  // sqlite_chat_channel_reads.cpp
  Result<Conversation> GetConversation(ConversationId id) override;
  Result<std::vector<ConversationSummary>> ListConversations(const std::string& user) override;
  Result<std::vector<StoredMessage>> ReadHistory(ConversationId id, int64_t after_seq,
                                                 int64_t before_seq, int limit) override;
  Result<std::vector<MessageView>> ReadMessages(ConversationId id, const std::string& reader,
                                                int64_t after_seq, int64_t before_seq,
                                                int limit) override;
  Result<int64_t> MaxIssuedId() override;
  Result<int64_t> ExpiredThroughSeq(ConversationId id) override;
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
  struct Head {
    ConversationKind kind = ConversationKind::kGroup;
    int64_t member_count = 0;
    int64_t last_seq = 0;
    int64_t slow_mode_s = 0;  // migration 018, or a text channel's (026)
  };

  explicit SqliteChatStore(SqliteDbPtr db) : db_(std::move(db)) {}
  Status PrepareAll();
  Status PrepareBlocks();  // sqlite_blocks.cpp
  // Whether the other member of direct conversation `id` refuses a message from `sender`.
  Result<bool> RefusedInConversation(ConversationId id, const std::string& sender);

  // Single-statement steps, used inside the callers' transactions.
  Result<std::optional<Head>> ReadHead(ConversationId id);
  Result<std::optional<MemberRole>> RoleOf(ConversationId id, const std::string& user);
  // The users of `users` that do not exist or are deleted.
  Result<std::vector<std::string>> MissingUsers(const std::vector<std::string>& users);
  // nullopt if the conversation does not exist; `target` may be null.
  Result<std::optional<ConversationAccess>> ReadAccess(ConversationId id, const std::string& actor,
                                                       const std::string* target);
  Status InsertMember(ConversationId id, const std::string& user, MemberRole role, int64_t now_ms);
  // Also raises members_version: every membership change calls it.
  Status AdjustMemberCount(ConversationId id, int64_t delta);
  // The stored message with this key, if any (seq, message_id, text, created_at_ms only).
  Result<std::optional<StoredMessage>> FindMessage(const MessageKey& key);
  // The created_at_ms of `sender`'s newest message (kind 0) in `id`; 0 if none.
  Result<int64_t> LastMessageAt(ConversationId id, const std::string& sender);
  Status WriteAppend(AppendPlan& plan);
  Status WritePushJobs(const std::vector<AppendRequest>& batch, const AppendPlan& plan);
  // Event kinds (sqlite_chat_events.cpp): the targets and reactions the plan asks about, and
  // each new event's change to its target, in batch order.
  Status LookUpTargets(AppendPlan& plan);
  Status WriteEffects(const AppendPlan& plan);
  Status ApplyDelete(ConversationId id, int64_t seq, int64_t now_ms);
  Result<std::optional<TargetState>> ReadTarget(ConversationId id, int64_t seq);
  // `history`'s decorations of a page: reactions, then each reply's quote.
  Status AddReactions(ConversationId id, const std::string& reader, std::vector<MessageView>& page);
  Status AddQuotes(ConversationId id, std::vector<MessageView>& page);
  // Mentions (sqlite_chat_mentions.cpp, migration 019): whether each mentioned user is a
  // member; a message's rows (message_seq = its seq) unread from `unread_from`; an edit's list
  // replacing its message's rows (store/mentions.h).
  Status LookUpMentions(AppendPlan& plan);
  Status InsertMentions(ConversationId id, int64_t message_seq, int64_t unread_from,
                        const std::vector<std::string>& names);
  Status ReplaceMentions(const StoredMessage& edit);
  // Attachments (sqlite_chat_attachments.cpp, store/attachments.h): each attachment the plan
  // names as its row is; the new messages' links and referenced marks; a seq range's links
  // removed (those no other message carries unmarked).
  Status LookUpAttachments(AppendPlan& plan);
  Status WriteAttachmentLinks(const AppendPlan& plan);
  Status ReleaseAttachments(ConversationId id, int64_t first_seq, int64_t last_seq);

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

  SqliteDbPtr db_;  // declared first: destroyed after the statements below
  SqliteStmtPtr user_row_;
  SqliteStmtPtr active_user_;
  SqliteStmtPtr ensure_user_;
  SqliteStmtPtr head_;
  SqliteStmtPtr member_role_;
  SqliteStmtPtr insert_direct_;
  SqliteStmtPtr find_direct_;
  SqliteStmtPtr insert_group_;
  SqliteStmtPtr insert_member_;
  SqliteStmtPtr adjust_member_count_;
  SqliteStmtPtr delete_member_;
  SqliteStmtPtr promote_oldest_;
  SqliteStmtPtr rename_;
  SqliteStmtPtr mark_read_;
  SqliteStmtPtr get_conversation_;
  SqliteStmtPtr find_message_;
  SqliteStmtPtr last_message_at_;  // migration 028 (025 before)
  SqliteStmtPtr alloc_seqs_;
  SqliteStmtPtr insert_message_;
  SqliteStmtPtr insert_recent_send_;  // migration 028
  SqliteStmtPtr advance_read_;
  SqliteStmtPtr mark_channel_read_;  // sqlite_channel_read_sql.h
  SqliteStmtPtr advance_channel_read_;
  SqliteStmtPtr list_conversations_;
  SqliteStmtPtr list_members_of_user_;
  SqliteStmtPtr history_before_;
  SqliteStmtPtr history_after_;
  SqliteStmtPtr max_issued_id_;
  SqliteStmtPtr expired_through_;  // migration 015
  SqliteStmtPtr upsert_push_job_;  // sqlite_push_sql.h
  SqliteStmtPtr target_;           // sqlite_event_sql.h from here on
  SqliteStmtPtr has_reaction_;
  SqliteStmtPtr apply_edit_;
  SqliteStmtPtr delete_body_;
  SqliteStmtPtr delete_edit_bodies_;
  SqliteStmtPtr delete_reactions_;
  SqliteStmtPtr scrub_push_preview_;
  SqliteStmtPtr add_reaction_;
  SqliteStmtPtr remove_reaction_;
  SqliteStmtPtr messages_before_;
  SqliteStmtPtr messages_after_;
  SqliteStmtPtr reactions_of_;
  SqliteStmtPtr insert_mention_;  // sqlite_mention_sql.h
  SqliteStmtPtr drop_mentions_not_in_;
  SqliteStmtPtr mention_member_;
  SqliteStmtPtr attachment_row_;  // sqlite_attachment_sql.h
  SqliteStmtPtr link_attachment_;
  SqliteStmtPtr mark_referenced_;
  SqliteStmtPtr release_attachments_;
  SqliteStmtPtr unlink_attachments_;
  // sqlite_block_sql.h
  SqliteStmtPtr is_blocked_;
  SqliteStmtPtr count_blocks_;
  SqliteStmtPtr insert_block_;
  SqliteStmtPtr delete_block_;
  SqliteStmtPtr list_blocks_;
  SqliteStmtPtr blocked_by_;
  SqliteStmtPtr get_policy_;
  SqliteStmtPtr set_policy_;
  SqliteStmtPtr refused_by_key_;
  SqliteStmtPtr refused_in_conversation_;
};

}  // namespace mqchat::store
