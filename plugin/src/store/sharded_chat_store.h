// ShardedChatStore: the ChatStore (and AdminChatStore) of a store with PostgreSQL shards
// (StoreConfig::pg_shards; docs/ARCHITECTURE.md, "Sharding by conversation"). Each conversation
// lives in one database: the shard the directory (migration 029, in the global database) names,
// or the global database itself when it has no row (conversations made before shards were
// configured, and community channels). A new conversation's shard is chosen by weight
// (store/shard_map.h) and recorded in the directory before the conversation is made. Requests
// about one conversation go to its database; the per-user views (ListConversations) merge every
// database's answer. A shard that cannot be reached fails only the requests about its
// conversations, with kUnavailable (retryable); it is connected again on a later request.
// Confined to one thread at a time, as every ChatStore; it owns one connection per database,
// opened on first use.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/admin_chat_store.h"
#include "store/pg/pg_chat_store.h"
#include "store/pg/pg_shard_directory.h"
#include "store/shard_set.h"
#include "store/store_config.h"

namespace mqchat::store {

class ShardedChatStore final : public AdminChatStore {
 public:
  // Opens a migrated chat store on one database (store_factory.cpp's PostgreSQL opener).
  using Opener = ShardSet<PgChatStore>::Opener;

  // `config` has pg_shards. Opens the global database's chat store and directory now (fails as
  // OpenChatStore does); each shard on its first use.
  static Result<std::unique_ptr<ShardedChatStore>> Create(const StoreConfig& config, Opener open);

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
  Result<int64_t> MarkChannelRead(ConversationId id, const std::string& user, int64_t seq) override;
  // Blocks and the policy are the global database's; every shard keeps a copy, written here
  // (a shard that is down fails the change retryably: the copies must not differ).
  Result<std::vector<BlockedUser>> Block(const std::string& blocker, const std::string& blocked,
                                         int max_blocks, int64_t now_ms) override;
  Result<std::vector<BlockedUser>> Unblock(const std::string& blocker,
                                           const std::string& blocked) override;
  Status SetDmPolicy(const std::string& user, DmPolicy policy) override;
  Result<PrivacySettings> GetPrivacy(const std::string& user) override;
  Result<std::vector<std::string>> BlockedBy(const std::string& user) override;
  Result<Conversation> GetConversation(ConversationId id) override;
  // Every database's list, merged (sharded_chat_views.cpp). A shard that cannot be reached is
  // left out (its conversations come back when it does); kUnavailable only if none answers.
  Result<std::vector<ConversationSummary>> ListConversations(const std::string& user) override;
  Result<std::vector<StoredMessage>> ReadHistory(ConversationId id, int64_t after_seq,
                                                 int64_t before_seq, int limit) override;
  Result<std::vector<MessageView>> ReadMessages(ConversationId id, const std::string& reader,
                                                int64_t after_seq, int64_t before_seq,
                                                int limit) override;
  Result<int64_t> ExpiredThroughSeq(ConversationId id) override;
  // The largest over every database that answers.
  Result<int64_t> MaxIssuedId() override;

  // The database of conversation `id`: -1 for the global one, else its shard.
  Result<int> HomeOf(ConversationId id);
  // The chat store of `home` (-1: global), opened (and migrated) on first use.
  Result<AdminChatStore*> Database(int home);
  PgShardDirectory& directory() { return directory_; }
  size_t shard_count() const { return set_.shard_count(); }
  // Forgets the cached home of `id` (after resharding moved it).
  void Forget(ConversationId id) { homes_.erase(id); }

 private:
  ShardedChatStore(ShardSet<PgChatStore> set, std::vector<PgShard> weights)
      : set_(std::move(set)),
        global_(&set_.global()),
        directory_(set_.directory()),
        weights_(std::move(weights)) {}

  // AppendBatch, sending again (at most `redirects` times) what a moved conversation's old
  // shard refused.
  Result<std::vector<AppendResult>> AppendRouted(const std::vector<AppendRequest>& batch,
                                                 int redirects);
  void RedirectMoved(const std::vector<AppendRequest>& batch, const std::vector<int>& homes,
                     int redirects, std::vector<AppendResult>& results);

  // After resharding moved `id` (store/shard_move.h) a cached home is stale, and the old
  // database answers as if the conversation did not exist. If the directory now names another
  // database than `was`, caches it and returns its store; else null.
  Result<AdminChatStore*> AfterMove(ConversationId id, int was);

  // Runs `call` on the store of `id`; if `missed(answer)` (the answer of a database without the
  // conversation) and the conversation moved since its home was cached, runs it again there.
  template <typename Call, typename Missed>
  auto Routed(ConversationId id, Call call, Missed missed)
      -> decltype(call(std::declval<AdminChatStore&>())) {
    auto home = HomeOf(id);
    if (!home.ok()) return home.status();
    auto store = Database(*home);
    if (!store.ok()) return store.status();
    auto answer = call(**store);
    if (*home < 0 || !missed(answer)) return answer;
    auto moved = AfterMove(id, *home);
    if (!moved.ok()) return moved.status();
    if (*moved == nullptr) return answer;
    return call(**moved);
  }
  // The shared_group policy across databases (sharded_dm_policy.cpp). Whether `recipient`'s
  // policy lets `sender` in through a group the two share in a database other than `home`
  // (which refused): false if the policy is another one or no database has such a group;
  // kUnavailable if none was found and a database could not be asked.
  Result<bool> SharesGroupElsewhere(int home, const std::string& sender,
                                    const std::string& recipient);
  // OpenDirect on `home`, asking the other databases if it refuses.
  Result<Conversation> OpenDirectIn(int home, ConversationId id, const std::string& a,
                                    const std::string& b, int64_t now_ms);
  // The requests of `batch` refused kNotAccepting: sent again, marked, if the two share a group
  // elsewhere; kFailed (kUnavailable) if that cannot be told.
  void RetrySharedGroups(const std::vector<AppendRequest>& batch, const std::vector<int>& homes,
                         std::vector<AppendResult>& results);
  // Copies the rows of those of `names` that exist in the global database onto shard `home`,
  // before a conversation there names them (no-op for the global database).
  Status MirrorUsers(int home, AdminChatStore& store, const std::vector<std::string>& names);
  // Copies the global database's rows of the uploads `part`'s messages carry onto shard `home`
  // (marking them referenced there: the API's sweep reads the global rows), so the send's
  // lookup on the shard finds them (no-op for the global database and without attachments).
  Status MirrorUploads(int home, const std::vector<AppendRequest>& part);
  // A new group's shard, recorded in the directory; its store, users mirrored.
  Result<AdminChatStore*> PlaceGroup(ConversationId new_id, const std::string& owner,
                                     const std::vector<std::string>& members);
  // Runs `change` on every shard, `users` mirrored there first (blocks and the DM policy, after
  // the global database took the change).
  Status OnEveryShard(const std::vector<std::string>& users,
                      const std::function<Status(AdminChatStore&)>& change);

  ShardSet<PgChatStore> set_;    // the databases' stores and the directory
  PgChatStore* global_;          // set_'s
  PgShardDirectory& directory_;  // set_'s
  std::vector<PgShard> weights_;
  std::unordered_map<ConversationId, int> homes_;  // directory rows read so far (shards only)
};

}  // namespace mqchat::store
