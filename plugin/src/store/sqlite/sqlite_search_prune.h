// Removes from SQLite's search index file (`<database>.search`, sqlite_search_file.h) the
// entries of messages that are gone: the retention sweep's expired ranges and the messages
// whose text an erasure removed (issue 24). It writes the index file over a connection of its
// own that opens that file as its main database, so its write transaction takes only the index
// file's lock, never the main file's that sends need, and it runs after the removal's commit:
// an indexer that read the text before then either wrote its entry first (removed here) or
// finds the message gone when it writes (SqliteSearchStore::WriteEntry checks, holding the
// index file's lock).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sqlite/sqlite_helpers.h"
#include "store/chat_store.h"

namespace mqchat::store {

// The entries of conversation `id` with seq in (after_seq, through_seq].
struct IndexRange {
  ConversationId id = 0;
  int64_t after_seq = 0;
  int64_t through_seq = 0;
};

class SqliteSearchPruner {
 public:
  // For the database `main_db` is open on; the index file is opened at the first Prune.
  explicit SqliteSearchPruner(sqlite3* main_db);

  // Removes the entries (postings and search_docs rows) of `ranges` in one short transaction.
  // Nothing to do when the index file does not exist yet (or is not set up): nothing is
  // indexed.
  Status Prune(const std::vector<IndexRange>& ranges);

 private:
  Result<bool> Ready();

  std::string path_;  // the index file; empty for an in-memory database
  SqliteDbPtr db_;    // declared first: destroyed after the statements below
  SqliteStmtPtr postings_;
  SqliteStmtPtr docs_;
};

}  // namespace mqchat::store
