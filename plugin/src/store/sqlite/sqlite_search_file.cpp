#include "store/sqlite/sqlite_search_file.h"

#include <cstdint>
#include <optional>
#include <string>

#include "sqlite/sqlite_helpers.h"

namespace mqchat::store {
namespace {

// The index file's format (PRAGMA user_version). The tables are migration 014's, moved here.
constexpr int64_t kIndexFormat = 1;

constexpr char kCreateTables[] =
    // One posting per (term, message): a term by its 64-bit key (search::TermKey).
    "CREATE TABLE IF NOT EXISTS idx.search_postings ("
    "term INTEGER NOT NULL, conversation_id INTEGER NOT NULL, message_id INTEGER NOT NULL, "
    "seq INTEGER NOT NULL, PRIMARY KEY (term, conversation_id, message_id)) WITHOUT ROWID;"
    // Each indexed message's term keys (a JSON array): an edit or a deletion removes exactly them.
    "CREATE TABLE IF NOT EXISTS idx.search_docs ("
    "conversation_id INTEGER NOT NULL, seq INTEGER NOT NULL, message_id INTEGER NOT NULL, "
    "terms TEXT NOT NULL, PRIMARY KEY (conversation_id, seq)) WITHOUT ROWID;"
    // How far each conversation's log has been indexed.
    "CREATE TABLE IF NOT EXISTS idx.search_progress ("
    "conversation_id INTEGER PRIMARY KEY, indexed_seq INTEGER NOT NULL);"
    // Which main database the index is of: when that database's first migration ran.
    "CREATE TABLE IF NOT EXISTS idx.search_origin (main_created_at_ms INTEGER NOT NULL);"
    "PRAGMA idx.user_version = 1";
constexpr char kMainCreatedAt[] = "SELECT applied_at_ms FROM schema_migrations WHERE version = 1";
constexpr char kOrigin[] = "SELECT main_created_at_ms FROM idx.search_origin";
constexpr char kAhead[] =
    "SELECT EXISTS (SELECT 1 FROM idx.search_progress s JOIN conversations c "
    "ON c.conversation_id = s.conversation_id WHERE s.indexed_seq > c.last_seq)";
constexpr char kEmpty[] =
    "DELETE FROM idx.search_postings; DELETE FROM idx.search_docs; "
    "DELETE FROM idx.search_progress; DELETE FROM idx.search_origin";
constexpr char kSetOrigin[] = "INSERT INTO idx.search_origin (main_created_at_ms) VALUES (?1)";

Status Attach(sqlite3* db, const std::string& path) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteStmtPtr attach, PrepareSqlite(db, "ATTACH DATABASE ?1 AS idx"));
  MQCHAT_RETURN_IF_ERROR(BindText(attach.get(), 1, path));
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(attach.get()));
  (void)has_row;
  return Status::Ok();
}

}  // namespace

std::string SqliteSearchIndexPath(const std::string& main_path) {
  if (main_path.empty() || main_path == ":memory:") return ":memory:";
  return main_path + ".search";
}

Status AttachSqliteSearchIndex(sqlite3* db) {
  const char* main_file = sqlite3_db_filename(db, "main");
  const std::string path = SqliteSearchIndexPath(main_file != nullptr ? main_file : "");
  // Term keys of every message's words: as private as the messages.
  if (path != ":memory:") MQCHAT_RETURN_IF_ERROR(CreateSqliteFileOwnerOnly(path));
  MQCHAT_RETURN_IF_ERROR(Attach(db, path).WithContext("attach search index " + path));
  MQCHAT_RETURN_IF_ERROR(EnableSqliteWal(db, kSqliteSearchSchema));
  // Its commits skip the fsync: a power loss that takes the last ones only leaves those messages
  // to be indexed again, and an fsync per indexed conversation would share the disk with the
  // writer's durable commits.
  MQCHAT_RETURN_IF_ERROR(ExecSqlite(db, "PRAGMA idx.synchronous=NORMAL"));
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int64_t> version,
                          QuerySqliteInt64(db, "PRAGMA idx.user_version"));
  const int64_t format = version.value_or(0);
  if (format > kIndexFormat) {
    return Status::FailedPrecondition(
        "search index " + path + " has format " + std::to_string(format) +
        ", newer than this build's (" + std::to_string(kIndexFormat) +
        "); upgrade mqchat, or delete the file (and its -wal and -shm) to have it built again");
  }
  // One connection sets the file up at a time (the search worker's and the indexer's start
  // together); this takes the main file's write lock too, once, at start.
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db));
  MQCHAT_RETURN_IF_ERROR(ExecSqlite(db, kCreateTables));
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int64_t> main_created,
                          QuerySqliteInt64(db, kMainCreatedAt));
  if (!main_created)
    return Status::FailedPrecondition("the search index needs a migrated database");
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int64_t> origin, QuerySqliteInt64(db, kOrigin));
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int64_t> ahead, QuerySqliteInt64(db, kAhead));
  if (origin != main_created || ahead.value_or(0) != 0) {
    MQCHAT_RETURN_IF_ERROR(ExecSqlite(db, kEmpty));
    MQCHAT_ASSIGN_OR_RETURN(SqliteStmtPtr set, PrepareSqlite(db, kSetOrigin));
    MQCHAT_RETURN_IF_ERROR(BindInt64(set.get(), 1, *main_created));
    MQCHAT_RETURN_IF_ERROR(StepSqlite(set.get()).status());
  }
  return txn.Commit();
}

}  // namespace mqchat::store
