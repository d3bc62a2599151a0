// ShardedSearchStore: the SearchStore of a store with PostgreSQL shards (StoreConfig::pg_shards;
// docs/ARCHITECTURE.md, "Sharding by conversation" and "Search"). A message's postings live on
// the database that holds its conversation (the indexer reads and writes each conversation's
// index there); a query about one conversation goes to its database, and a user's search over
// all of them asks every database and merges the answers newest first (message ids are
// time-ordered across brokers, so the paging cursor means the same on every shard). A shard
// that cannot be reached is left out of a merged answer (its conversations come back when it
// does) and fails a request about one of its conversations with kUnavailable. Confined to one
// thread, as every SearchStore.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/search_store.h"
#include "store/shard_set.h"

namespace mqchat::store {

class ShardedSearchStore final : public SearchStore {
 public:
  // `config` has pg_shards; `open` opens a migrated SearchStore on one database.
  static Result<std::unique_ptr<ShardedSearchStore>> Create(const StoreConfig& config,
                                                            ShardSet<SearchStore>::Opener open);

  // Every database's, a share of `limit` each, starting with a different database each call
  // so a busy one cannot keep the others' behind.
  Result<std::vector<ConversationId>> ConversationsBehind(int limit) override;
  Result<IndexChanges> ReadIndexChanges(ConversationId id, int limit) override;
  Status WriteIndex(ConversationId id, const std::vector<IndexEntry>& entries,
                    int64_t indexed_seq) override;
  Result<bool> IsMember(ConversationId id, const std::string& user) override;
  // With id 0: the sum over the databases, up to `cap`.
  Result<int64_t> CountPostings(int64_t term, ConversationId id, int64_t cap) override;
  // With q.conversation_id 0: each database's newest q.limit, merged, the newest q.limit kept.
  Result<std::vector<SearchCandidate>> Candidates(const CandidateQuery& q) override;

 private:
  explicit ShardedSearchStore(ShardSet<SearchStore> set) : set_(std::move(set)) {}

  ShardSet<SearchStore> set_;
  size_t first_ = 0;  // the database ConversationsBehind asks first next time
};

}  // namespace mqchat::store
