#include "store/sqlite/sqlite_search_prune.h"

#include <sys/stat.h>

#include <optional>

#include "store/sqlite/sqlite_search_file.h"

namespace mqchat::store {
namespace {

// The postings of the range's indexed messages, from their records of their term keys.
constexpr char kPrunePostings[] =
    "DELETE FROM search_postings WHERE (term, conversation_id, message_id) IN ("
    "SELECT j.value, d.conversation_id, d.message_id FROM search_docs d, json_each(d.terms) j "
    "WHERE d.conversation_id = ?1 AND d.seq > ?2 AND d.seq <= ?3)";
constexpr char kPruneDocs[] =
    "DELETE FROM search_docs WHERE conversation_id = ?1 AND seq > ?2 AND seq <= ?3";

}  // namespace

SqliteSearchPruner::SqliteSearchPruner(sqlite3* main_db) {
  const char* main_file = sqlite3_db_filename(main_db, "main");
  const std::string path = SqliteSearchIndexPath(main_file != nullptr ? main_file : "");
  if (path != ":memory:") path_ = path;
}

Result<bool> SqliteSearchPruner::Ready() {
  if (docs_ != nullptr) return true;
  struct stat st {};
  if (path_.empty() || ::stat(path_.c_str(), &st) != 0) return false;
  if (db_ == nullptr) {
    SqliteOpenOptions options;
    options.sync_every_commit = false;  // as the indexer's commits (sqlite_search_file.cpp)
    MQCHAT_ASSIGN_OR_RETURN(db_, OpenSqlite(path_, options));
  }
  // The tables and the format are created together (AttachSqliteSearchIndex).
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int64_t> format,
                          QuerySqliteInt64(db_.get(), "PRAGMA user_version"));
  if (format.value_or(0) == 0) return false;
  MQCHAT_ASSIGN_OR_RETURN(postings_, PrepareSqlite(db_.get(), kPrunePostings));
  MQCHAT_ASSIGN_OR_RETURN(docs_, PrepareSqlite(db_.get(), kPruneDocs));
  return true;
}

Status SqliteSearchPruner::Prune(const std::vector<IndexRange>& ranges) {
  if (ranges.empty()) return Status::Ok();
  MQCHAT_ASSIGN_OR_RETURN(bool ready, Ready());
  if (!ready) return Status::Ok();
  // Immediate on this connection takes the index file's lock only (it is its main database).
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  for (const IndexRange& r : ranges) {
    MQCHAT_RETURN_IF_ERROR(BindAndRun(postings_.get(), r.id, r.after_seq, r.through_seq));
    MQCHAT_RETURN_IF_ERROR(BindAndRun(docs_.get(), r.id, r.after_seq, r.through_seq));
  }
  return txn.Commit();
}

}  // namespace mqchat::store
