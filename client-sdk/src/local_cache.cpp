// LocalCache: opening and the schema, transactions, messages and cursors.
#include "local_cache.h"

#include <algorithm>

#include "local_cache_sql.h"

namespace mqchat::sdk {

using cache_sql::BindText;
using cache_sql::ColumnText;
using cache_sql::ReadMessage;
using cache_sql::StepDone;

namespace {

constexpr int kSchemaVersion = 1;
constexpr int kCursorScanChunk = 512;

// Applied once per open; every statement is idempotent.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS conversations(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  last_seq INTEGER NOT NULL DEFAULT 0,
  read_seq INTEGER NOT NULL DEFAULT 0,
  members TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS messages(
  conversation_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  message_id INTEGER NOT NULL,
  sender TEXT NOT NULL,
  client_msg_id TEXT NOT NULL,
  text TEXT NOT NULL,
  sent_at_ms INTEGER NOT NULL,
  PRIMARY KEY(conversation_id, seq)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS cursors(conversation_id INTEGER PRIMARY KEY, seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox(
  position INTEGER PRIMARY KEY AUTOINCREMENT,
  client_msg_id TEXT NOT NULL UNIQUE,
  conversation_id INTEGER NOT NULL,
  text TEXT NOT NULL,
  created_ms INTEGER NOT NULL);
)sql";

constexpr const char* kMessageColumns =
    "conversation_id, seq, message_id, sender, client_msg_id, text, sent_at_ms";

Status Prepare(sqlite3* db, const std::string& sql, SqliteStmtPtr* out) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "preparing " + sql);
  out->reset(stmt);
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<LocalCache>> LocalCache::Open(const std::string& path,
                                                     const std::string& user) {
  const std::string file = path.empty() ? ":memory:" : path;
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(file.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
  SqliteDbPtr db(raw);  // sqlite3_open_v2 may return a handle even on failure
  if (rc != SQLITE_OK) return SqliteError(db.get(), rc, "opening " + file);
  sqlite3_busy_timeout(db.get(), 5000);

  auto exec = [&](const char* sql) -> Status {
    char* err = nullptr;
    int r = sqlite3_exec(db.get(), sql, nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    if (r != SQLITE_OK) return SqliteError(db.get(), r, msg.empty() ? sql : msg);
    return Status::Ok();
  };
  if (file != ":memory:") {
    // WAL + NORMAL: commits survive an app crash (not necessarily a power cut) and cost no fsync.
    MQCHAT_RETURN_IF_ERROR(exec("PRAGMA journal_mode=WAL"));
    MQCHAT_RETURN_IF_ERROR(exec("PRAGMA synchronous=NORMAL"));
  }
  int version = 0;
  {
    sqlite3_stmt* stmt = nullptr;
    rc = sqlite3_prepare_v2(db.get(), "PRAGMA user_version", -1, &stmt, nullptr);
    SqliteStmtPtr guard(stmt);
    if (rc != SQLITE_OK || sqlite3_step(stmt) != SQLITE_ROW) {
      return SqliteError(db.get(), rc, "reading the schema version of " + file);
    }
    version = sqlite3_column_int(stmt, 0);
  }
  if (version > kSchemaVersion) {
    return Status::FailedPrecondition("cache " + file + " has schema version " +
                                      std::to_string(version) + "; this SDK knows up to " +
                                      std::to_string(kSchemaVersion));
  }
  MQCHAT_RETURN_IF_ERROR(exec(kSchema));
  MQCHAT_RETURN_IF_ERROR(exec("PRAGMA user_version=1"));

  auto s = std::make_unique<Statements>();
  const std::string cols = kMessageColumns;
  const std::pair<SqliteStmtPtr*, std::string> sqls[] = {
      {&s->get_meta, "SELECT value FROM meta WHERE key=?1"},
      {&s->put_meta, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)"},
      {&s->put_message, "INSERT OR IGNORE INTO messages(" + cols + ") VALUES(?1,?2,?3,?4,?5,?6,?7)"},
      {&s->messages_range, "SELECT " + cols +
                               " FROM messages WHERE conversation_id=?1 AND seq>?2 AND seq<=?3"
                               " ORDER BY seq LIMIT ?4"},
      {&s->last_message, "SELECT " + cols +
                             " FROM messages WHERE conversation_id=?1 ORDER BY seq DESC LIMIT 1"},
      {&s->seqs_after, "SELECT seq FROM messages WHERE conversation_id=?1 AND seq>?2"
                       " ORDER BY seq LIMIT ?3"},
      {&s->max_seq, "SELECT coalesce(max(seq), 0) FROM messages WHERE conversation_id=?1"},
      {&s->get_cursor, "SELECT seq FROM cursors WHERE conversation_id=?1"},
      {&s->put_cursor, "INSERT OR REPLACE INTO cursors(conversation_id, seq) VALUES(?1, ?2)"},
      {&s->all_cursors, "SELECT conversation_id, seq FROM cursors WHERE seq>0"
                        " ORDER BY conversation_id"},
      {&s->upsert_conversation,
       "INSERT INTO conversations(id, kind, name, last_seq, read_seq, members)"
       " VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind,"
       " name=excluded.name, last_seq=max(last_seq, excluded.last_seq),"
       " read_seq=max(read_seq, excluded.read_seq), members=excluded.members"},
      {&s->raise_last_seq, "UPDATE conversations SET last_seq=max(last_seq, ?2) WHERE id=?1"},
      {&s->raise_read_seq, "UPDATE conversations SET read_seq=max(read_seq, ?2) WHERE id=?1"},
      {&s->conversation_exists, "SELECT 1 FROM conversations WHERE id=?1"},
      // Walks the conversation's messages from the newest down to the user's newest one.
      {&s->raise_read_seq_to_own,
       "UPDATE conversations SET read_seq=max(read_seq, coalesce((SELECT seq FROM messages"
       " WHERE conversation_id=?1 AND sender=?2 ORDER BY seq DESC LIMIT 1), 0)) WHERE id=?1"},
      {&s->get_conversation,
       "SELECT id, kind, name, last_seq, read_seq, members FROM conversations WHERE id=?1"},
      {&s->list_conversations,
       "SELECT id, kind, name, max(last_seq, coalesce((SELECT max(seq) FROM messages m"
       " WHERE m.conversation_id=c.id), 0)), read_seq, members FROM conversations c"},
      {&s->drop_conversation, "DELETE FROM conversations WHERE id=?1"},
      {&s->drop_messages, "DELETE FROM messages WHERE conversation_id=?1"},
      {&s->drop_cursor, "DELETE FROM cursors WHERE conversation_id=?1"},
      {&s->add_outbox, "INSERT INTO outbox(client_msg_id, conversation_id, text, created_ms)"
                       " VALUES(?1,?2,?3,?4)"},
      {&s->remove_outbox, "DELETE FROM outbox WHERE client_msg_id=?1"},
      {&s->list_outbox, "SELECT position, client_msg_id, conversation_id, text, created_ms"
                        " FROM outbox ORDER BY position"},
      {&s->count_outbox, "SELECT count(*) FROM outbox"},
  };
  for (const auto& [stmt, sql] : sqls) MQCHAT_RETURN_IF_ERROR(Prepare(db.get(), sql, stmt));

  // The cache belongs to one user: cursors and the outbox mean nothing for another.
  {
    StmtReset reset(s->get_meta.get());
    sqlite3_bind_text(s->get_meta.get(), 1, "user", -1, SQLITE_STATIC);
    rc = sqlite3_step(s->get_meta.get());
    if (rc == SQLITE_ROW) {
      std::string owner = ColumnText(s->get_meta.get(), 0);
      if (owner != user) {
        return Status::FailedPrecondition("cache " + file + " belongs to user '" + owner +
                                          "', not '" + user + "'");
      }
    } else if (rc == SQLITE_DONE) {
      StmtReset put_reset(s->put_meta.get());
      sqlite3_bind_text(s->put_meta.get(), 1, "user", -1, SQLITE_STATIC);
      BindText(s->put_meta.get(), 2, user);
      MQCHAT_RETURN_IF_ERROR(StepDone(db.get(), s->put_meta.get(), "recording the cache owner"));
    } else {
      return SqliteError(db.get(), rc, "reading the cache owner");
    }
  }
  return std::unique_ptr<LocalCache>(new LocalCache(std::move(db), std::move(s), user));
}

LocalCache::LocalCache(SqliteDbPtr db, std::unique_ptr<Statements> stmts, std::string user)
    : user_(std::move(user)), db_(std::move(db)), stmts_(std::move(stmts)) {}

LocalCache::~LocalCache() {
  stmts_.reset();  // statements before the connection
  db_.reset();
}

Status LocalCache::Exec(const char* sql) const {
  char* err = nullptr;
  int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err);
  std::string msg = err ? err : sql;
  sqlite3_free(err);
  if (rc != SQLITE_OK) return SqliteError(db_.get(), rc, msg);
  return Status::Ok();
}

LocalCache::Transaction::Transaction(LocalCache& cache) : cache_(cache), lock_(cache.mu_) {
  open_ = cache_.Exec("BEGIN IMMEDIATE").ok();
}

LocalCache::Transaction::~Transaction() {
  if (open_) (void)cache_.Exec("ROLLBACK");
}

Status LocalCache::Transaction::Commit() {
  if (!open_) return Status::Unavailable("cache: could not begin a transaction");
  open_ = false;
  Status s = cache_.Exec("COMMIT");
  if (!s.ok()) (void)cache_.Exec("ROLLBACK");
  return s;
}

Result<bool> LocalCache::PutMessage(const Message& m) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->put_message.get();
  StmtReset reset(st);
  sqlite3_bind_int64(st, 1, m.conversation_id);
  sqlite3_bind_int64(st, 2, m.seq);
  sqlite3_bind_int64(st, 3, m.message_id);
  BindText(st, 4, m.sender);
  BindText(st, 5, m.client_msg_id);
  BindText(st, 6, m.text);
  sqlite3_bind_int64(st, 7, m.sent_at_ms);
  MQCHAT_RETURN_IF_ERROR(StepDone(db_.get(), st, "storing a message"));
  const bool stored = sqlite3_changes(db_.get()) > 0;
  // The server moved the sender's read position when it stored the message (docs/PROTOCOL.md,
  // "send"); also when this copy is a duplicate, so that caches written before this rule heal.
  if (m.sender == user_) MQCHAT_RETURN_IF_ERROR(RaiseReadSeq(m.conversation_id, m.seq));
  return stored;
}

Result<std::vector<Message>> LocalCache::Messages(int64_t conversation_id, int64_t after_seq,
                                                  int64_t up_to_seq, int limit) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->messages_range.get();
  StmtReset reset(st);
  sqlite3_bind_int64(st, 1, conversation_id);
  sqlite3_bind_int64(st, 2, after_seq);
  sqlite3_bind_int64(st, 3, up_to_seq);
  sqlite3_bind_int(st, 4, limit);
  std::vector<Message> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) out.push_back(ReadMessage(st));
  if (rc != SQLITE_DONE) return SqliteError(db_.get(), rc, "reading messages");
  return out;
}

Result<std::optional<Message>> LocalCache::LastMessage(int64_t conversation_id) const {
  sqlite3_stmt* st = stmts_->last_message.get();
  StmtReset reset(st);
  sqlite3_bind_int64(st, 1, conversation_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) return std::optional<Message>(ReadMessage(st));
  if (rc != SQLITE_DONE) return SqliteError(db_.get(), rc, "reading the last message");
  return std::optional<Message>();
}

Result<int64_t> LocalCache::Cursor(int64_t conversation_id) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->get_cursor.get();
  StmtReset reset(st);
  sqlite3_bind_int64(st, 1, conversation_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) return static_cast<int64_t>(sqlite3_column_int64(st, 0));
  if (rc != SQLITE_DONE) return SqliteError(db_.get(), rc, "reading a cursor");
  return int64_t{0};
}

Result<std::vector<std::pair<int64_t, int64_t>>> LocalCache::Cursors() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->all_cursors.get();
  StmtReset reset(st);
  std::vector<std::pair<int64_t, int64_t>> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    out.emplace_back(sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1));
  }
  if (rc != SQLITE_DONE) return SqliteError(db_.get(), rc, "reading cursors");
  return out;
}

Result<int64_t> LocalCache::MaxStoredSeq(int64_t conversation_id) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->max_seq.get();
  StmtReset reset(st);
  sqlite3_bind_int64(st, 1, conversation_id);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) return SqliteError(db_.get(), rc, "reading the highest seq");
  return static_cast<int64_t>(sqlite3_column_int64(st, 0));
}

Result<CursorMove> LocalCache::AdvanceCursor(int64_t conversation_id, int64_t floor) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  MQCHAT_ASSIGN_OR_RETURN(int64_t old_seq, Cursor(conversation_id));
  int64_t cursor = std::max(old_seq, floor);
  // Walk the stored seqs after the cursor while they follow it without a gap.
  while (true) {
    sqlite3_stmt* st = stmts_->seqs_after.get();
    StmtReset reset(st);
    sqlite3_bind_int64(st, 1, conversation_id);
    sqlite3_bind_int64(st, 2, cursor);
    sqlite3_bind_int(st, 3, kCursorScanChunk);
    int rows = 0;
    bool gap = false;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      ++rows;
      const int64_t seq = sqlite3_column_int64(st, 0);
      if (seq != cursor + 1) {
        gap = true;
        break;
      }
      cursor = seq;
    }
    if (!gap && rc != SQLITE_DONE && rc != SQLITE_ROW) {
      return SqliteError(db_.get(), rc, "scanning seqs");
    }
    if (gap || rows < kCursorScanChunk) break;
  }
  if (cursor != old_seq) {
    sqlite3_stmt* st = stmts_->put_cursor.get();
    StmtReset reset(st);
    sqlite3_bind_int64(st, 1, conversation_id);
    sqlite3_bind_int64(st, 2, cursor);
    MQCHAT_RETURN_IF_ERROR(StepDone(db_.get(), st, "storing a cursor"));
  }
  return CursorMove{old_seq, cursor};
}

}  // namespace mqchat::sdk
