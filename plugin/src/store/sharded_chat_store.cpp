#include "store/sharded_chat_store.h"

#include <algorithm>
#include <utility>

#include "store/chat_rules.h"
#include "store/shard_map.h"

namespace mqchat::store {
namespace {

// Directory rows kept per store before the cache starts again (a row is ~40 bytes).
constexpr size_t kMaxCachedHomes = 1 << 20;

// What a database answers about a conversation it does not hold (one resharding moved away).
bool Gone(const Status& s) {
  return s.code() == Code::kNotFound || s.code() == Code::kPermissionDenied;
}
template <typename T>
bool Gone(const Result<T>& r) {
  return !r.ok() && Gone(r.status());
}
template <typename T>
bool Empty(const Result<std::vector<T>>& r) {
  return r.ok() && r->empty();
}

}  // namespace

Result<std::unique_ptr<ShardedChatStore>> ShardedChatStore::Create(const StoreConfig& config,
                                                                   Opener open) {
  MQCHAT_ASSIGN_OR_RETURN(auto set, ShardSet<PgChatStore>::Create(config, std::move(open)));
  return std::unique_ptr<ShardedChatStore>(new ShardedChatStore(std::move(set), config.pg_shards));
}

Result<AdminChatStore*> ShardedChatStore::Database(int home) {
  MQCHAT_ASSIGN_OR_RETURN(PgChatStore * store, set_.Database(home));
  return store;
}

Result<int> ShardedChatStore::HomeOf(ConversationId id) {
  if (auto it = homes_.find(id); it != homes_.end()) return it->second;
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int> shard, directory_.Find(id));
  if (!shard.has_value()) return -1;  // not cached: a row may yet be made for an unknown id
  if (homes_.size() >= kMaxCachedHomes) homes_.clear();
  homes_.emplace(id, *shard);
  return *shard;
}

Result<AdminChatStore*> ShardedChatStore::AfterMove(ConversationId id, int was) {
  homes_.erase(id);
  MQCHAT_ASSIGN_OR_RETURN(int now, HomeOf(id));
  if (now == was) return static_cast<AdminChatStore*>(nullptr);
  return Database(now);
}

Status ShardedChatStore::MirrorUsers(int home, AdminChatStore& store,
                                     const std::vector<std::string>& names) {
  if (home < 0) return Status::Ok();
  MQCHAT_ASSIGN_OR_RETURN(std::vector<NewUser> users, directory_.ActiveUsers(names));
  if (users.empty()) return Status::Ok();
  return store.EnsureUsers(users);
}

Status ShardedChatStore::MirrorUploads(int home, const std::vector<AppendRequest>& part) {
  if (home < 0) return Status::Ok();
  std::vector<std::string> ids, owners;
  int64_t now_ms = 0;
  for (const AppendRequest& r : part) {
    for (const std::string& id : r.attachments) {
      ids.push_back(id);
      owners.push_back(r.sender);
      now_ms = std::max(now_ms, r.created_at_ms);
    }
  }
  if (ids.empty()) return Status::Ok();
  MQCHAT_ASSIGN_OR_RETURN(std::string rows, directory_.TakeUploads(ids, owners, now_ms));
  MQCHAT_ASSIGN_OR_RETURN(PgChatStore * store, set_.Database(home));
  return store->CopyUploads(rows);
}

Result<AdminChatStore*> ShardedChatStore::PlaceGroup(ConversationId new_id,
                                                     const std::string& owner,
                                                     const std::vector<std::string>& members) {
  const int chosen = ChooseShard(static_cast<uint64_t>(new_id), weights_);
  MQCHAT_ASSIGN_OR_RETURN(int home, directory_.Claim(new_id, chosen));
  homes_[new_id] = home;
  MQCHAT_ASSIGN_OR_RETURN(AdminChatStore * store, Database(home));
  std::vector<std::string> everyone = members;
  everyone.push_back(owner);
  MQCHAT_RETURN_IF_ERROR(MirrorUsers(home, *store, Deduplicated(everyone)));
  return store;
}

// --- new conversations ---

Result<Conversation> ShardedChatStore::OpenDirect(ConversationId new_id, const std::string& a,
                                                  const std::string& b, int64_t now_ms) {
  if (a == b) return global_->OpenDirect(new_id, a, b, now_ms);  // refused, nothing written
  const std::string key = DirectKey(a, b);
  MQCHAT_ASSIGN_OR_RETURN(bool in_global, directory_.DirectInGlobal(key));
  if (in_global) return OpenDirectIn(-1, new_id, a, b, now_ms);
  const int chosen = ChooseShard(PlacementKey(key), weights_);
  MQCHAT_ASSIGN_OR_RETURN(PgShardDirectory::Placement placed,
                          directory_.ClaimDirect(key, new_id, chosen));
  homes_[placed.id] = placed.shard;
  MQCHAT_ASSIGN_OR_RETURN(AdminChatStore * store, Database(placed.shard));
  MQCHAT_RETURN_IF_ERROR(MirrorUsers(placed.shard, *store, {a, b}));
  // The pair's id, as the directory has it: a first attempt that failed on the shard left
  // only the directory row, and this one makes the conversation under that id.
  return OpenDirectIn(placed.shard, placed.id, a, b, now_ms);
}

Result<Conversation> ShardedChatStore::CreateGroup(ConversationId new_id, const std::string& owner,
                                                   const std::string& name,
                                                   const std::vector<std::string>& members,
                                                   int max_members, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(AdminChatStore * store, PlaceGroup(new_id, owner, members));
  return store->CreateGroup(new_id, owner, name, members, max_members, now_ms);
}

Result<Conversation> ShardedChatStore::AdminCreateGroup(ConversationId new_id,
                                                        const std::string& owner,
                                                        const std::string& name,
                                                        const std::vector<std::string>& members,
                                                        int max_members, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(AdminChatStore * store, PlaceGroup(new_id, owner, members));
  return store->AdminCreateGroup(new_id, owner, name, members, max_members, now_ms);
}

// --- one conversation: its database ---

Result<std::vector<std::string>> ShardedChatStore::AddMembers(ConversationId id,
                                                              const std::string& actor,
                                                              const std::vector<std::string>& users,
                                                              int max_members, int64_t now_ms) {
  return Routed(
      id,
      [&](AdminChatStore& s) -> Result<std::vector<std::string>> {
        MQCHAT_ASSIGN_OR_RETURN(int home, HomeOf(id));
        MQCHAT_RETURN_IF_ERROR(MirrorUsers(home, s, users));
        return s.AddMembers(id, actor, users, max_members, now_ms);
      },
      [](const Result<std::vector<std::string>>& r) { return Gone(r); });
}

Result<std::vector<std::string>> ShardedChatStore::AdminAddMembers(
    ConversationId id, const std::vector<std::string>& users, int max_members, int64_t now_ms) {
  return Routed(
      id,
      [&](AdminChatStore& s) -> Result<std::vector<std::string>> {
        MQCHAT_ASSIGN_OR_RETURN(int home, HomeOf(id));
        MQCHAT_RETURN_IF_ERROR(MirrorUsers(home, s, users));
        return s.AdminAddMembers(id, users, max_members, now_ms);
      },
      [](const Result<std::vector<std::string>>& r) { return Gone(r); });
}

Status ShardedChatStore::RemoveMember(ConversationId id, const std::string& actor,
                                      const std::string& user) {
  return Routed(
      id, [&](AdminChatStore& s) { return s.RemoveMember(id, actor, user); },
      [](const Status& r) { return Gone(r); });
}

Status ShardedChatStore::AdminRemoveMember(ConversationId id, const std::string& user,
                                           int64_t now_ms) {
  return Routed(
      id, [&](AdminChatStore& s) { return s.AdminRemoveMember(id, user, now_ms); },
      [](const Status& r) { return Gone(r); });
}

Status ShardedChatStore::RenameGroup(ConversationId id, const std::string& actor,
                                     const std::string& name) {
  return Routed(
      id, [&](AdminChatStore& s) { return s.RenameGroup(id, actor, name); },
      [](const Status& r) { return Gone(r); });
}

Result<int64_t> ShardedChatStore::MarkRead(ConversationId id, const std::string& user,
                                           int64_t seq) {
  return Routed(
      id, [&](AdminChatStore& s) { return s.MarkRead(id, user, seq); },
      [](const Result<int64_t>& r) { return Gone(r); });
}

Result<int64_t> ShardedChatStore::MarkChannelRead(ConversationId id, const std::string& user,
                                                  int64_t seq) {
  return Routed(
      id, [&](AdminChatStore& s) { return s.MarkChannelRead(id, user, seq); },
      [](const Result<int64_t>& r) { return Gone(r); });
}

Result<Conversation> ShardedChatStore::GetConversation(ConversationId id) {
  return Routed(
      id, [&](AdminChatStore& s) { return s.GetConversation(id); },
      [](const Result<Conversation>& r) { return Gone(r); });
}

Result<std::vector<StoredMessage>> ShardedChatStore::ReadHistory(ConversationId id,
                                                                 int64_t after_seq,
                                                                 int64_t before_seq, int limit) {
  return Routed(
      id, [&](AdminChatStore& s) { return s.ReadHistory(id, after_seq, before_seq, limit); },
      [](const Result<std::vector<StoredMessage>>& r) { return Empty(r); });
}

Result<std::vector<MessageView>> ShardedChatStore::ReadMessages(ConversationId id,
                                                                const std::string& reader,
                                                                int64_t after_seq,
                                                                int64_t before_seq, int limit) {
  return Routed(
      id,
      [&](AdminChatStore& s) { return s.ReadMessages(id, reader, after_seq, before_seq, limit); },
      [](const Result<std::vector<MessageView>>& r) { return Empty(r); });
}

Result<int64_t> ShardedChatStore::ExpiredThroughSeq(ConversationId id) {
  return Routed(
      id, [&](AdminChatStore& s) { return s.ExpiredThroughSeq(id); },
      [](const Result<int64_t>&) { return false; });
}

}  // namespace mqchat::store
