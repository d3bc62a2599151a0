// The SQLite search index's own database file (issue 17; docs/ARCHITECTURE.md "Search"). The
// index is derived from the messages and written all the time by the indexer; in the main file it
// shared SQLite's one write lock per file with the send writer, whose batches then waited behind
// index transactions (send p99 at 1,000 msg/s 8.3 ms against 5.3 without indexing, even with the
// indexer pausing between transactions). In a file of its own it has its own lock: a connection
// opens the main file and attaches the index file as `idx`, reads messages and members from main
// and writes only `idx` (in deferred transactions, which lock only what they write).
#pragma once

#include <sqlite3.h>

#include <string>

#include "mqchat/status.h"

namespace mqchat::store {

// The schema name the index file is attached under; its tables are idx.search_postings,
// idx.search_docs, idx.search_progress and idx.search_origin.
inline constexpr char kSqliteSearchSchema[] = "idx";

// Where the index of the database at `main_path` lives: `main_path` + ".search" (with its own
// -wal and -shm); ":memory:" for an in-memory database.
std::string SqliteSearchIndexPath(const std::string& main_path);

// Attaches the index file of `db`'s main database as kSqliteSearchSchema, creating it (0600) and
// its tables if missing, in WAL mode with commits that skip the fsync (the index can be rebuilt).
// An index that is ahead of the main database (its progress past a conversation's last seq: the
// main file was restored from a backup) or was made for another database (the time of that
// database's first migration differs) is emptied, so the indexer builds it again; any other index
// is kept. kFailedPrecondition if the file was written by a newer index format.
Status AttachSqliteSearchIndex(sqlite3* db);

}  // namespace mqchat::store
