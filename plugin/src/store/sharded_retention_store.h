// ShardedRetentionStore: the RetentionStore of a store with PostgreSQL shards (StoreConfig::
// pg_shards; docs/ARCHITECTURE.md, "Sharding by conversation"). A conversation's retention and
// slow mode are set, read and expired on the database that holds it (where its messages and its
// conversation row are); the sweeper's walk over the conversations and the resend keys' purge
// cover every database. A shard that cannot be reached is left out of the walk and the purge
// (swept on a later round) and fails a request about one of its conversations with
// kUnavailable. Confined to one thread, as every RetentionStore.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "store/retention_store.h"
#include "store/shard_set.h"

namespace mqchat::store {

class ShardedRetentionStore final : public RetentionStore {
 public:
  // `config` has pg_shards; `open` opens a migrated RetentionStore on one database.
  static Result<std::unique_ptr<ShardedRetentionStore>> Create(
      const StoreConfig& config, ShardSet<RetentionStore>::Opener open);

  Status SetRetention(ConversationId id, const std::string& actor, std::optional<int64_t> days,
                      int64_t now_ms) override;
  Status SetSlowMode(ConversationId id, const std::string& actor, int64_t seconds,
                     int64_t now_ms) override;
  Result<RetentionSetting> GetRetention(ConversationId id) override;
  // Every database's first `limit` after `after`, merged by id, the first `limit` kept.
  Result<std::vector<RetentionSetting>> ListRetention(ConversationId after, int limit) override;
  Result<ExpiredBatch> ExpireBatch(ConversationId id, int64_t cutoff_ms, int limit) override;
  // On each database in turn, until `limit` keys are gone in all.
  Result<int64_t> PurgeResendKeys(int64_t cutoff_ms, int limit) override;

 private:
  explicit ShardedRetentionStore(ShardSet<RetentionStore> set) : set_(std::move(set)) {}

  ShardSet<RetentionStore> set_;
};

}  // namespace mqchat::store
