#include "store/sharded_user_data_store.h"

#include <algorithm>
#include <string>
#include <utility>

namespace mqchat::store {

Result<std::unique_ptr<ShardedUserDataStore>> ShardedUserDataStore::Create(
    const StoreConfig& config, ShardSet<PgUserDataStore>::Opener open) {
  MQCHAT_ASSIGN_OR_RETURN(auto set, ShardSet<PgUserDataStore>::Create(config, std::move(open)));
  return std::unique_ptr<ShardedUserDataStore>(new ShardedUserDataStore(std::move(set)));
}

Result<UserProfile> ShardedUserDataStore::Profile(const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(PgUserDataStore * global, set_.Database(-1));
  return global->Profile(user);
}

Result<std::vector<UserConversation>> ShardedUserDataStore::Conversations(const std::string& user) {
  std::vector<UserConversation> all;
  MQCHAT_RETURN_IF_ERROR(set_.ForAll([&](int, PgUserDataStore& s) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(std::vector<UserConversation> some, s.Conversations(user));
    for (UserConversation& c : some) all.push_back(std::move(c));
    return Status::Ok();
  }));
  std::sort(all.begin(), all.end(),
            [](const UserConversation& a, const UserConversation& b) { return a.id < b.id; });
  // A conversation is on one database; a copy an interrupted move left is listed once.
  all.erase(std::unique(
                all.begin(), all.end(),
                [](const UserConversation& a, const UserConversation& b) { return a.id == b.id; }),
            all.end());
  return all;
}

Status ShardedUserDataStore::ForEachSent(const std::string& user, int batch,
                                         const std::function<Status(const StoredMessage&)>& each) {
  return set_.ForAll([&](int, PgUserDataStore& s) { return s.ForEachSent(user, batch, each); });
}

Result<int64_t> ShardedUserDataStore::EraseSent(const std::string& user, int64_t now_ms,
                                                int batch) {
  int64_t erased = 0;
  MQCHAT_RETURN_IF_ERROR(set_.ForAll([&](int, PgUserDataStore& s) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(int64_t n, s.EraseSent(user, now_ms, batch));
    erased += n;
    return Status::Ok();
  }));
  return erased;
}

Status ShardedUserDataStore::Audit(const std::string& actor, const std::string& action,
                                   const std::string& subject, const std::string& detail,
                                   int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(PgUserDataStore * global, set_.Database(-1));
  return global->Audit(actor, action, subject, detail, now_ms);
}

Status ShardedUserDataStore::MoveShardAudit() {
  constexpr int kBatch = 500;
  MQCHAT_ASSIGN_OR_RETURN(PgUserDataStore * global, set_.Database(-1));
  return set_.ForEach([&](int home, PgUserDataStore& s) -> Status {
    if (home < 0) return Status::Ok();
    while (true) {
      MQCHAT_ASSIGN_OR_RETURN(std::vector<AuditEntry> rows, s.ListAudit(0, kBatch));
      if (rows.empty()) return Status::Ok();
      MQCHAT_RETURN_IF_ERROR(global->ImportAudit(rows, "shard " + std::to_string(home)));
      MQCHAT_RETURN_IF_ERROR(s.DropAuditThrough(rows.back().id));
      if (rows.size() < static_cast<size_t>(kBatch)) return Status::Ok();
    }
  });
}

Result<std::vector<AuditEntry>> ShardedUserDataStore::ListAudit(int64_t after_id, int limit) {
  MQCHAT_RETURN_IF_ERROR(MoveShardAudit());
  MQCHAT_ASSIGN_OR_RETURN(PgUserDataStore * global, set_.Database(-1));
  return global->ListAudit(after_id, limit);
}

}  // namespace mqchat::store
