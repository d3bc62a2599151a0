// ShardedOperatorStore: the OperatorStore of a store with PostgreSQL shards (StoreConfig::
// pg_shards; docs/ARCHITECTURE.md, "Sharding by conversation"), for mqchatctl's conversation
// list, group roles and stats. The list asks every database and merges by id; a role change
// goes to the database that holds the conversation (its audit row is written there and moved
// to the global database's log when the log is listed: store/sharded_user_data_store.h); the
// counts of users and reports are the global database's (shards hold copies of user rows),
// those of conversations and messages the sum over every database. A shard that cannot be
// reached fails the list and the counts with kUnavailable naming it (never an answer that
// silently lacks its conversations). Confined to one thread, as every OperatorStore.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/operator_store.h"
#include "store/shard_set.h"

namespace mqchat::store {

class ShardedOperatorStore final : public OperatorStore {
 public:
  // `config` has pg_shards; `open` opens a migrated OperatorStore on one database.
  static Result<std::unique_ptr<ShardedOperatorStore>> Create(const StoreConfig& config,
                                                              ShardSet<OperatorStore>::Opener open);

  // Every database's first `limit` after `after`, merged by id, the first `limit` kept.
  Result<std::vector<ConversationRow>> ListConversations(ConversationId after, int limit,
                                                         const std::string& member) override;
  Status SetMemberRole(ConversationId id, const std::string& user, MemberRole role,
                       int64_t now_ms) override;
  Result<StoreStats> Stats(int64_t since_ms) override;

 private:
  explicit ShardedOperatorStore(ShardSet<OperatorStore> set) : set_(std::move(set)) {}

  ShardSet<OperatorStore> set_;
};

}  // namespace mqchat::store
