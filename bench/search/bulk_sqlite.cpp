// SQLite side of bulk.h: one connection, one transaction per step, prepared statements.
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bulk.h"
#include "search/indexer.h"
#include "store/sqlite/sqlite_search_file.h"

namespace mqchat::bench {
namespace {

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

Status Error(sqlite3* db, const std::string& what) {
  return Status::Internal(what + ": " + sqlite3_errmsg(db));
}

Result<Db> Open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) return Error(raw, "open " + path);
  sqlite3_busy_timeout(raw, 10000);
  // A bulk step: this connection may lose its last transaction to a power cut (the benchmark
  // loads again); WAL as the plugin runs it.
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = OFF",
                             "PRAGMA cache_size = -262144", "PRAGMA temp_store = MEMORY"}) {
    if (sqlite3_exec(raw, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) {
      return Error(raw, pragma);
    }
  }
  return Result<Db>(std::move(db));
}

Status Exec(sqlite3* db, const char* sql) {
  return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK ? Status::Ok()
                                                                       : Error(db, sql);
}

Result<Stmt> Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &raw, nullptr) != SQLITE_OK) return Error(db, sql);
  return Stmt(raw);
}

void Bind(sqlite3_stmt* s, int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
void Bind(sqlite3_stmt* s, int i, const std::string& v) {
  sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

// Binds `values` in order and runs the statement once.
template <typename... V>
Status Run(sqlite3* db, sqlite3_stmt* s, const V&... values) {
  int i = 0;
  (Bind(s, ++i, values), ...);
  const int rc = sqlite3_step(s);
  sqlite3_reset(s);
  return rc == SQLITE_DONE ? Status::Ok() : Error(db, sqlite3_sql(s));
}

std::string JsonIntegers(const std::vector<int64_t>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += std::to_string(values[i]);
  }
  return out + "]";
}

using Posting = std::tuple<int64_t, int64_t, int64_t, int64_t>;  // term, conversation, id, seq

}  // namespace

Status LoadSqlite(const std::string& path, const CorpusSpec& spec) {
  MQCHAT_ASSIGN_OR_RETURN(Db db, Open(path));
  sqlite3* d = db.get();
  MQCHAT_ASSIGN_OR_RETURN(
      Stmt conv, Prepare(d,
                         "INSERT INTO conversations (conversation_id, kind, name, last_seq, "
                         "member_count, last_activity_ms, created_by, created_at_ms) "
                         "VALUES (?1, 2, ?2, ?3, ?4, ?5, ?6, 0)"));
  MQCHAT_ASSIGN_OR_RETURN(Stmt member,
                          Prepare(d,
                                  "INSERT INTO members (conversation_id, username, role, read_seq, "
                                  "joined_at_ms) VALUES (?1, ?2, ?3, 0, 0)"));
  MQCHAT_ASSIGN_OR_RETURN(Stmt message,
                          Prepare(d,
                                  "INSERT INTO messages (conversation_id, seq, message_id, sender, "
                                  "client_msg_id, body, created_at_ms) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?3)"));
  MQCHAT_RETURN_IF_ERROR(Exec(d, "BEGIN IMMEDIATE"));
  Status failed;
  const int64_t last_round = (spec.PerConversation() - 1) * spec.conversations;
  ForEachConversation(spec, [&](const ConversationRow& c) {
    if (failed.ok()) {
      failed = Run(d, conv.get(), c.id, "c" + std::to_string(c.id), c.last_seq, c.member_count,
                   last_round + c.id, c.created_by);
    }
  });
  ForEachMember(spec, [&](const MemberRow& m) {
    if (failed.ok()) {
      failed = Run(d, member.get(), m.conversation_id, m.username, static_cast<int64_t>(m.role));
    }
  });
  ForEachMessage(spec, [&](const MessageRow& m) {
    if (failed.ok()) {
      failed = Run(d, message.get(), m.conversation_id, m.seq, m.message_id, m.sender,
                   m.client_msg_id, m.text);
    }
  });
  MQCHAT_RETURN_IF_ERROR(failed);
  MQCHAT_RETURN_IF_ERROR(Exec(d, "COMMIT"));
  return Exec(d, "ANALYZE");
}

Result<IndexStats> IndexSqlite(const std::string& path) {
  MQCHAT_ASSIGN_OR_RETURN(Db db, Open(path));
  sqlite3* d = db.get();
  // The index file the plugin reads (`path`.search), attached as `idx`.
  MQCHAT_RETURN_IF_ERROR(store::AttachSqliteSearchIndex(d));
  MQCHAT_RETURN_IF_ERROR(Exec(d, "PRAGMA idx.synchronous = OFF"));
  MQCHAT_RETURN_IF_ERROR(Exec(d, "BEGIN IMMEDIATE"));  // the write lock: one snapshot throughout
  MQCHAT_RETURN_IF_ERROR(Exec(d,
                              "DELETE FROM idx.search_postings; DELETE FROM idx.search_docs; "
                              "DELETE FROM idx.search_progress"));
  MQCHAT_ASSIGN_OR_RETURN(
      Stmt read, Prepare(d,
                         "SELECT conversation_id, seq, message_id, body FROM messages "
                         "WHERE kind = 0 AND deleted_at_ms = 0 ORDER BY conversation_id, seq"));
  MQCHAT_ASSIGN_OR_RETURN(
      Stmt doc, Prepare(d,
                        "INSERT INTO idx.search_docs (conversation_id, seq, message_id, terms) "
                        "VALUES (?1, ?2, ?3, ?4)"));
  MQCHAT_ASSIGN_OR_RETURN(Stmt posting,
                          Prepare(d,
                                  "INSERT INTO idx.search_postings (term, conversation_id, message_id, "
                                  "seq) VALUES (?1, ?2, ?3, ?4)"));
  IndexStats stats;
  std::vector<Posting> postings;
  // A batch of messages of one conversation at a time, through the indexer's own EntriesFor.
  store::IndexChanges batch;
  int64_t batch_conversation = 0;
  auto flush = [&]() -> Status {
    for (const store::IndexEntry& e : search::EntriesFor(batch)) {
      if (e.terms.empty()) continue;
      ++stats.messages;
      MQCHAT_RETURN_IF_ERROR(
          Run(d, doc.get(), batch_conversation, e.seq, e.message_id, JsonIntegers(e.terms)));
      for (int64_t term : e.terms)
        postings.emplace_back(term, batch_conversation, e.message_id, e.seq);
    }
    batch.messages.clear();
    return Status::Ok();
  };
  int rc;
  while ((rc = sqlite3_step(read.get())) == SQLITE_ROW) {
    const int64_t conversation = sqlite3_column_int64(read.get(), 0);
    if (conversation != batch_conversation || batch.messages.size() >= 10000) {
      MQCHAT_RETURN_IF_ERROR(flush());
      batch_conversation = conversation;
    }
    store::IndexSource m;
    m.seq = sqlite3_column_int64(read.get(), 1);
    m.message_id = sqlite3_column_int64(read.get(), 2);
    const auto* body = reinterpret_cast<const char*>(sqlite3_column_text(read.get(), 3));
    m.text = body != nullptr ? body : "";
    m.searchable = true;
    batch.messages.push_back(std::move(m));
  }
  if (rc != SQLITE_DONE) return Error(d, "reading messages");
  MQCHAT_RETURN_IF_ERROR(flush());
  // In the primary key's order: each insert appends to the B-tree.
  std::sort(postings.begin(), postings.end());
  for (const auto& [term, conversation, message_id, seq] : postings) {
    MQCHAT_RETURN_IF_ERROR(Run(d, posting.get(), term, conversation, message_id, seq));
  }
  stats.postings = static_cast<int64_t>(postings.size());
  MQCHAT_RETURN_IF_ERROR(Exec(d,
                              "INSERT INTO idx.search_progress (conversation_id, indexed_seq) "
                              "SELECT conversation_id, last_seq FROM conversations"));
  MQCHAT_RETURN_IF_ERROR(Exec(d, "COMMIT"));
  MQCHAT_RETURN_IF_ERROR(Exec(d, "ANALYZE idx"));
  return stats;
}

}  // namespace mqchat::bench
