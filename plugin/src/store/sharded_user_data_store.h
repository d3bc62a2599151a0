// ShardedUserDataStore: the UserDataStore of a store with PostgreSQL shards (StoreConfig::
// pg_shards; docs/ARCHITECTURE.md, "Sharding by conversation"). A user's profile and the audit
// log are the global database's (the one place operators read: the audit rows a change on a
// shard wrote there, in its transaction, are moved to it whenever the log is listed); the user's
// conversations and messages are on every database, so an export or an erasure walks them all: the
// global database first, then each shard in turn, each as PgUserDataStore walks one database. A
// shard that cannot be reached fails the whole request with kUnavailable naming it (never a partial
// answer taken for the whole: the caller reports nothing done and the operator runs it again;
// an erasure is idempotent, the databases before the down one keep what it erased).
// Confined to one thread, as every UserDataStore.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/pg/pg_user_data_store.h"
#include "store/shard_set.h"

namespace mqchat::store {

class ShardedUserDataStore final : public UserDataStore {
 public:
  // `config` has pg_shards; `open` opens a migrated PgUserDataStore on one database.
  static Result<std::unique_ptr<ShardedUserDataStore>> Create(
      const StoreConfig& config, ShardSet<PgUserDataStore>::Opener open);

  Result<UserProfile> Profile(const std::string& user) override;
  // Every database's, merged by id.
  Result<std::vector<UserConversation>> Conversations(const std::string& user) override;
  // Database by database (each by conversation, then seq).
  Status ForEachSent(const std::string& user, int batch,
                     const std::function<Status(const StoredMessage&)>& each) override;
  Result<int64_t> EraseSent(const std::string& user, int64_t now_ms, int batch) override;
  Status Audit(const std::string& actor, const std::string& action, const std::string& subject,
               const std::string& detail, int64_t now_ms) override;
  // The global database's, after moving there every reachable shard's rows (a shard that is
  // down keeps its rows until a later listing: they come with larger ids).
  Result<std::vector<AuditEntry>> ListAudit(int64_t after_id, int limit) override;

 private:
  explicit ShardedUserDataStore(ShardSet<PgUserDataStore> set) : set_(std::move(set)) {}
  // Moves every reachable shard's audit rows to the global database (migration 030).
  Status MoveShardAudit();

  ShardSet<PgUserDataStore> set_;
};

}  // namespace mqchat::store
