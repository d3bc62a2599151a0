// SearchStore on SQLite (store/search_store.h). Owns one connection to the main database, with
// the index file attached (sqlite_search_file.h); confined to the thread that uses it. Index
// writes lock only the index file and commit without an fsync (the index can be rebuilt from the
// messages), so the send writer never waits for them. Build it through store_factory.h, which
// also applies the migrations.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sqlite/sqlite_helpers.h"
#include "store/search_store.h"

namespace mqchat::store {

class SqliteSearchStore final : public SearchStore {
 public:
  // Prepares every statement on `db`, which must already be at the newest schema.
  static Result<std::unique_ptr<SqliteSearchStore>> Create(SqliteDbPtr db);

  // SearchStore
  Result<std::vector<ConversationId>> ConversationsBehind(int limit) override;
  Result<IndexChanges> ReadIndexChanges(ConversationId id, int limit) override;
  Status WriteIndex(ConversationId id, const std::vector<IndexEntry>& entries,
                    int64_t indexed_seq) override;
  Result<bool> IsMember(ConversationId id, const std::string& user) override;
  Result<int64_t> CountPostings(int64_t term, ConversationId id, int64_t cap) override;
  Result<std::vector<SearchCandidate>> Candidates(const CandidateQuery& q) override;

 private:
  explicit SqliteSearchStore(SqliteDbPtr db) : db_(std::move(db)) {}
  Status PrepareAll();
  Status WriteEntry(ConversationId id, const IndexEntry& entry);

  SqliteDbPtr db_;  // declared first: destroyed after the statements below
  SqliteStmtPtr behind_;
  SqliteStmtPtr changes_;
  SqliteStmtPtr delete_postings_;
  SqliteStmtPtr delete_doc_;
  SqliteStmtPtr indexable_;
  SqliteStmtPtr insert_postings_;
  SqliteStmtPtr upsert_doc_;
  SqliteStmtPtr progress_;
  SqliteStmtPtr is_member_;
  SqliteStmtPtr count_all_;
  SqliteStmtPtr count_in_;
  SqliteStmtPtr candidates_all_;
  SqliteStmtPtr candidates_in_;
  SqliteStmtPtr candidates_all_channels_;  // issue 18: with the viewable text channels
  SqliteStmtPtr candidates_in_channel_;
};

}  // namespace mqchat::store
