// SearchStore on PostgreSQL (store/search_store.h, migration 014). Owns one connection;
// confined to the thread that uses it. Term lists travel as bigint[] parameters, so a chunk of
// entries is one DELETE and one INSERT whatever the number of entries and terms. Build it through
// store_factory.h, which also applies the migrations.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/pg/pg_handles.h"
#include "store/search_store.h"

namespace mqchat::store {

class PgSearchStore final : public SearchStore {
 public:
  // Prepares every statement on `conn`, whose database must already be at the newest schema.
  // If the connection is lost, the failing call returns kUnavailable and the next call
  // reconnects (and prepares again) before it runs.
  static Result<std::unique_ptr<PgSearchStore>> Create(PgConnPtr conn);

  // SearchStore
  Result<std::vector<ConversationId>> ConversationsBehind(int limit) override;
  Result<IndexChanges> ReadIndexChanges(ConversationId id, int limit) override;
  Status WriteIndex(ConversationId id, const std::vector<IndexEntry>& entries,
                    int64_t indexed_seq) override;
  Result<bool> IsMember(ConversationId id, const std::string& user) override;
  Result<int64_t> CountPostings(int64_t term, ConversationId id, int64_t cap) override;
  Result<std::vector<SearchCandidate>> Candidates(const CandidateQuery& q) override;

 private:
  explicit PgSearchStore(PgConnection conn) : conn_(std::move(conn)) {}
  Result<PgResultPtr> Run(const PgStatement& stmt, const PgParams& params);

  PgConnection conn_;
};

}  // namespace mqchat::store
