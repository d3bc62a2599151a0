#include "local_cache.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "convert.h"
#include "protocol/fields.h"

namespace mqchat::sdk {
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

std::string ColumnText(sqlite3_stmt* stmt, int col) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
  return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, col))) : "";
}

Message ReadMessage(sqlite3_stmt* stmt) {
  Message m;
  m.conversation_id = sqlite3_column_int64(stmt, 0);
  m.seq = sqlite3_column_int64(stmt, 1);
  m.message_id = sqlite3_column_int64(stmt, 2);
  m.sender = ColumnText(stmt, 3);
  m.client_msg_id = ColumnText(stmt, 4);
  m.text = ColumnText(stmt, 5);
  m.sent_at_ms = sqlite3_column_int64(stmt, 6);
  return m;
}

void BindText(sqlite3_stmt* stmt, int index, const std::string& value) {
  sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

std::string EncodeMembers(const std::vector<Member>& members) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& m : members) {
    list.push_back({{protocol::fields::kUser, m.user},
                    {protocol::fields::kRole, RoleName(m.role)},
                    {protocol::fields::kReadSeq, m.read_seq}});
  }
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::vector<Member> DecodeMembers(const std::string& text) {
  std::vector<Member> out;
  auto list = nlohmann::json::parse(text, nullptr, false);
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    if (!item.is_object()) continue;
    Member m;
    m.user = item.value(std::string(protocol::fields::kUser), "");
    m.role = RoleFromString(item.value(std::string(protocol::fields::kRole), ""));
    m.read_seq = item.value(std::string(protocol::fields::kReadSeq), int64_t{0});
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

struct LocalCache::Statements {
  StmtPtr get_meta, put_meta;
  StmtPtr put_message, messages_range, last_message, seqs_after, max_seq;
  StmtPtr get_cursor, put_cursor, all_cursors;
  StmtPtr upsert_conversation, raise_last_seq, raise_read_seq, get_conversation, list_conversations;
  StmtPtr drop_conversation, drop_messages, drop_cursor;
  StmtPtr add_outbox, remove_outbox, list_outbox, count_outbox;
};

namespace {

// Runs `stmt` to completion (no rows expected).
Status StepDone(sqlite3* db, sqlite3_stmt* stmt, const char* what) {
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE) return SqliteError(db, rc, what);
  return Status::Ok();
}

Status Prepare(sqlite3* db, const std::string& sql, StmtPtr* out) {
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
  SqlitePtr db(raw);  // sqlite3_open_v2 may return a handle even on failure
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
    StmtPtr guard(stmt);
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
  const std::pair<StmtPtr*, std::string> sqls[] = {
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
  return std::unique_ptr<LocalCache>(new LocalCache(std::move(db), std::move(s)));
}

LocalCache::LocalCache(SqlitePtr db, std::unique_ptr<Statements> stmts)
    : db_(std::move(db)), stmts_(std::move(stmts)) {}

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
  return sqlite3_changes(db_.get()) > 0;
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

Status LocalCache::PutConversation(const Conversation& c, int64_t read_seq) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->upsert_conversation.get();
  StmtReset reset(st);
  sqlite3_bind_int64(st, 1, c.id);
  BindText(st, 2, std::string(KindName(c.kind)));
  BindText(st, 3, c.name);
  sqlite3_bind_int64(st, 4, c.last_seq);
  sqlite3_bind_int64(st, 5, read_seq);
  BindText(st, 6, EncodeMembers(c.members));
  return StepDone(db_.get(), st, "storing a conversation");
}

Status LocalCache::PutSummary(const ConversationSummary& s) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  // A summary names members without roles: keep the roles the cache already knows.
  MQCHAT_ASSIGN_OR_RETURN(auto known, GetConversation(s.id));
  Conversation c;
  c.id = s.id;
  c.kind = s.kind;
  c.name = s.name;
  c.last_seq = s.last_seq;
  for (const auto& user : s.members) {
    Member m{user, MemberRole::kMember, 0};
    if (known) {
      for (const auto& k : known->members) {
        if (k.user == user) m = k;
      }
    }
    c.members.push_back(std::move(m));
  }
  MQCHAT_RETURN_IF_ERROR(PutConversation(c, s.read_seq));
  if (s.last_message) MQCHAT_RETURN_IF_ERROR(PutMessage(*s.last_message).status());
  return Status::Ok();
}

Status LocalCache::RaiseLastSeq(int64_t conversation_id, int64_t seq) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->raise_last_seq.get();
  StmtReset reset(st);
  sqlite3_bind_int64(st, 1, conversation_id);
  sqlite3_bind_int64(st, 2, seq);
  return StepDone(db_.get(), st, "raising last_seq");
}

Status LocalCache::RaiseReadSeq(int64_t conversation_id, int64_t seq) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->raise_read_seq.get();
  StmtReset reset(st);
  sqlite3_bind_int64(st, 1, conversation_id);
  sqlite3_bind_int64(st, 2, seq);
  return StepDone(db_.get(), st, "raising read_seq");
}

Status LocalCache::DropConversation(int64_t conversation_id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (sqlite3_stmt* st : {stmts_->drop_conversation.get(), stmts_->drop_messages.get(),
                           stmts_->drop_cursor.get()}) {
    StmtReset reset(st);
    sqlite3_bind_int64(st, 1, conversation_id);
    MQCHAT_RETURN_IF_ERROR(StepDone(db_.get(), st, "dropping a conversation"));
  }
  return Status::Ok();
}

Result<std::optional<Conversation>> LocalCache::GetConversation(int64_t conversation_id) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->get_conversation.get();
  StmtReset reset(st);
  sqlite3_bind_int64(st, 1, conversation_id);
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) return std::optional<Conversation>();
  if (rc != SQLITE_ROW) return SqliteError(db_.get(), rc, "reading a conversation");
  Conversation c;
  c.id = sqlite3_column_int64(st, 0);
  c.kind = KindFromString(ColumnText(st, 1));
  c.name = ColumnText(st, 2);
  c.last_seq = sqlite3_column_int64(st, 3);
  c.members = DecodeMembers(ColumnText(st, 5));
  return std::optional<Conversation>(std::move(c));
}

Result<std::vector<ConversationSummary>> LocalCache::Summaries() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::vector<ConversationSummary> out;
  {
    sqlite3_stmt* st = stmts_->list_conversations.get();
    StmtReset reset(st);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      ConversationSummary s;
      s.id = sqlite3_column_int64(st, 0);
      s.kind = KindFromString(ColumnText(st, 1));
      s.name = ColumnText(st, 2);
      s.last_seq = sqlite3_column_int64(st, 3);
      s.read_seq = sqlite3_column_int64(st, 4);
      s.unread = std::max<int64_t>(0, s.last_seq - s.read_seq);
      for (auto& m : DecodeMembers(ColumnText(st, 5))) s.members.push_back(std::move(m.user));
      out.push_back(std::move(s));
    }
    if (rc != SQLITE_DONE) return SqliteError(db_.get(), rc, "listing conversations");
  }
  for (auto& s : out) {
    MQCHAT_ASSIGN_OR_RETURN(s.last_message, LastMessage(s.id));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    const int64_t ta = a.last_message ? a.last_message->sent_at_ms : 0;
    const int64_t tb = b.last_message ? b.last_message->sent_at_ms : 0;
    return ta != tb ? ta > tb : a.id > b.id;
  });
  return out;
}

Result<int64_t> LocalCache::AddOutbox(const OutboxEntry& entry) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->add_outbox.get();
  StmtReset reset(st);
  BindText(st, 1, entry.client_msg_id);
  sqlite3_bind_int64(st, 2, entry.conversation_id);
  BindText(st, 3, entry.text);
  sqlite3_bind_int64(st, 4, entry.created_ms);
  MQCHAT_RETURN_IF_ERROR(StepDone(db_.get(), st, "adding to the outbox"));
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_.get()));
}

Status LocalCache::RemoveOutbox(const std::string& client_msg_id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->remove_outbox.get();
  StmtReset reset(st);
  BindText(st, 1, client_msg_id);
  return StepDone(db_.get(), st, "removing from the outbox");
}

Result<std::vector<OutboxEntry>> LocalCache::Outbox() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->list_outbox.get();
  StmtReset reset(st);
  std::vector<OutboxEntry> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    OutboxEntry e;
    e.position = sqlite3_column_int64(st, 0);
    e.client_msg_id = ColumnText(st, 1);
    e.conversation_id = sqlite3_column_int64(st, 2);
    e.text = ColumnText(st, 3);
    e.created_ms = sqlite3_column_int64(st, 4);
    out.push_back(std::move(e));
  }
  if (rc != SQLITE_DONE) return SqliteError(db_.get(), rc, "reading the outbox");
  return out;
}

Result<size_t> LocalCache::OutboxSize() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->count_outbox.get();
  StmtReset reset(st);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW) return SqliteError(db_.get(), rc, "counting the outbox");
  return static_cast<size_t>(sqlite3_column_int64(st, 0));
}

}  // namespace mqchat::sdk
