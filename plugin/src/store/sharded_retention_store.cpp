#include "store/sharded_retention_store.h"

#include <algorithm>
#include <utility>

namespace mqchat::store {

Result<std::unique_ptr<ShardedRetentionStore>> ShardedRetentionStore::Create(
    const StoreConfig& config, ShardSet<RetentionStore>::Opener open) {
  MQCHAT_ASSIGN_OR_RETURN(auto set, ShardSet<RetentionStore>::Create(config, std::move(open)));
  return std::unique_ptr<ShardedRetentionStore>(new ShardedRetentionStore(std::move(set)));
}

Status ShardedRetentionStore::SetRetention(ConversationId id, const std::string& actor,
                                           std::optional<int64_t> days, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(RetentionStore * s, set_.Of(id));
  return s->SetRetention(id, actor, days, now_ms);
}

Status ShardedRetentionStore::SetSlowMode(ConversationId id, const std::string& actor,
                                          int64_t seconds, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(RetentionStore * s, set_.Of(id));
  return s->SetSlowMode(id, actor, seconds, now_ms);
}

Result<RetentionSetting> ShardedRetentionStore::GetRetention(ConversationId id) {
  MQCHAT_ASSIGN_OR_RETURN(RetentionStore * s, set_.Of(id));
  return s->GetRetention(id);
}

Result<std::vector<RetentionSetting>> ShardedRetentionStore::ListRetention(ConversationId after,
                                                                           int limit) {
  std::vector<RetentionSetting> all;
  MQCHAT_RETURN_IF_ERROR(set_.ForEach([&](int, RetentionStore& s) -> Status {
    MQCHAT_ASSIGN_OR_RETURN(std::vector<RetentionSetting> some, s.ListRetention(after, limit));
    all.insert(all.end(), some.begin(), some.end());
    return Status::Ok();
  }));
  std::sort(all.begin(), all.end(),
            [](const RetentionSetting& a, const RetentionSetting& b) { return a.id < b.id; });
  if (all.size() > static_cast<size_t>(limit)) all.resize(static_cast<size_t>(limit));
  return all;
}

Result<ExpiredBatch> ShardedRetentionStore::ExpireBatch(ConversationId id, int64_t cutoff_ms,
                                                        int limit) {
  MQCHAT_ASSIGN_OR_RETURN(RetentionStore * s, set_.Of(id));
  return s->ExpireBatch(id, cutoff_ms, limit);
}

Result<int64_t> ShardedRetentionStore::PurgeResendKeys(int64_t cutoff_ms, int limit) {
  int64_t purged = 0;
  MQCHAT_RETURN_IF_ERROR(set_.ForEach([&](int, RetentionStore& s) -> Status {
    if (purged >= limit) return Status::Ok();
    MQCHAT_ASSIGN_OR_RETURN(int64_t n,
                            s.PurgeResendKeys(cutoff_ms, limit - static_cast<int>(purged)));
    purged += n;
    return Status::Ok();
  }));
  return purged;
}

}  // namespace mqchat::store
