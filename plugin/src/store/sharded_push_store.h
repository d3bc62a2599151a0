// ShardedPushStore: the PushStore of a store with PostgreSQL shards (StoreConfig::pg_shards;
// docs/ARCHITECTURE.md, "Sharding by conversation" and "Push"). Push targets, push settings and
// counts-only jobs are the global database's; a conversation's mutes are kept on its database
// (where its sends and the conversation list read them), and a message's push job is recorded
// on its conversation's database in the message's transaction (durable as with one database),
// without the target filter a shard cannot apply (PgChatStore::Create). The push worker drains
// every database's queue through this store: ClaimDueJobs claims from each in turn and applies
// the user's global settings to a shard's job (no text without previews; a mention in a muted
// conversation loses its pass when mention_push is off); a job without a target is skipped by
// the worker as it is with one database. The badge (UnreadTotal) sums every database. Job ids
// carry their database in the high bits (a shard's; the global database's are unchanged). A
// shard that cannot be reached is left out of the queue and the badge until it answers again.
// Confined to one thread, as every PushStore.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/pg/pg_handles.h"
#include "store/push_store.h"
#include "store/shard_set.h"

namespace mqchat::store {

class ShardedPushStore final : public PushStore {
 public:
  // `config` has pg_shards; `open` opens a migrated PushStore on one database.
  static Result<std::unique_ptr<ShardedPushStore>> Create(const StoreConfig& config,
                                                          ShardSet<PushStore>::Opener open);

  // The global database's.
  Status RegisterTarget(const PushTarget& target) override;
  Result<bool> UnregisterTarget(const std::string& username, const std::string& device_id) override;
  Status SetPreview(const std::string& username, bool preview, int64_t now_ms) override;
  Status SetMentionPush(const std::string& username, bool on, int64_t now_ms) override;
  Status RecordCountsJob(const std::string& username, const std::string& reading_device,
                         int64_t now_ms, int64_t due_ms, int64_t due_cap_ms) override;
  Result<std::vector<PushTarget>> TargetsOf(const std::string& username) override;
  Status RemoveTokens(const std::string& username, const std::vector<std::string>& tokens) override;
  // On the conversation's database.
  Status SetMute(ConversationId id, const std::string& username, int64_t until_ms) override;
  Result<bool> IsMuted(ConversationId id, const std::string& username, int64_t now_ms) override;
  // Every database's, a share each, starting with a different database each call so a busy
  // one cannot keep the others' waiting.
  Result<std::vector<PushJob>> ClaimDueJobs(int64_t now_ms, int limit,
                                            int64_t lease_until_ms) override;
  // Over every database.
  Result<std::optional<int64_t>> NextDueMs() override;
  Result<int64_t> UnreadTotal(const std::string& username, int64_t now_ms) override;
  Result<int64_t> PurgeFinished(int64_t delivered_before_ms, int64_t dead_before_ms) override;
  Result<std::vector<PushJob>> ListJobs(const std::string& username) override;
  // On the job's database (from its id).
  Status RetryJob(int64_t job_id, int attempts, int64_t next_attempt_ms,
                  const std::string& error) override;
  Result<bool> FinishJob(const PushJob& seen, PushJobState end, const std::string& note,
                         int64_t now_ms) override;

 private:
  ShardedPushStore(ShardSet<PushStore> set, PgConnection settings)
      : set_(std::move(set)), settings_(std::move(settings)) {}

  // A shard's claimed job, as the user's global settings have it (see the class comment).
  Status ApplyGlobalSettings(PushStore& shard, PushJob& job, int64_t now_ms);

  ShardSet<PushStore> set_;
  PgConnection settings_;  // to the global database: the users' push settings
  size_t first_ = 0;       // the database ClaimDueJobs asks first next time
};

}  // namespace mqchat::store
