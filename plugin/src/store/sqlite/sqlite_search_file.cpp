#include "store/sqlite/sqlite_search_file.h"

#include <cstdint>
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

// The first column of the first row of `sql`, or nothing if it has no row.
Result<bool> ReadInt(sqlite3* db, const char* sql, int64_t* out) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteStmtPtr stmt, PrepareSqlite(db, sql));
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt.get()));
  if (has_row) *out = ColumnInt64(stmt.get(), 0);
  return has_row;
}

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
  MQCHAT_ASSIGN_OR_RETURN(std::string mode, EnableSqliteWal(db, kSqliteSearchSchema));
  if (mode != "wal" && !(path == ":memory:" && mode == "memory")) {
    return Status::Internal("could not enable WAL on " + path + " (journal_mode is " + mode + ")");
  }
  // Its commits skip the fsync: a power loss that takes the last ones only leaves those messages
  // to be indexed again, and an fsync per indexed conversation would share the disk with the
  // writer's durable commits.
  MQCHAT_RETURN_IF_ERROR(ExecSqlite(db, "PRAGMA idx.synchronous=NORMAL"));
  int64_t format = 0;
  MQCHAT_RETURN_IF_ERROR(ReadInt(db, "PRAGMA idx.user_version", &format).status());
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
  int64_t main_created = 0;
  MQCHAT_ASSIGN_OR_RETURN(bool migrated, ReadInt(db, kMainCreatedAt, &main_created));
  if (!migrated) return Status::FailedPrecondition("the search index needs a migrated database");
  int64_t origin = 0;
  MQCHAT_ASSIGN_OR_RETURN(bool has_origin, ReadInt(db, kOrigin, &origin));
  int64_t ahead = 0;
  MQCHAT_RETURN_IF_ERROR(ReadInt(db, kAhead, &ahead).status());
  if (!has_origin || origin != main_created || ahead != 0) {
    MQCHAT_RETURN_IF_ERROR(ExecSqlite(db, kEmpty));
    MQCHAT_ASSIGN_OR_RETURN(SqliteStmtPtr set, PrepareSqlite(db, kSetOrigin));
    MQCHAT_RETURN_IF_ERROR(BindInt64(set.get(), 1, main_created));
    MQCHAT_RETURN_IF_ERROR(StepSqlite(set.get()).status());
  }
  return txn.Commit();
}

}  // namespace mqchat::store
