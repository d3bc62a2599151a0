// LocalCache: opening (the schema: local_cache_schema.cpp), transactions, messages and cursors.
#include "local_cache.h"

#include <algorithm>

#include "local_cache_sql.h"

namespace mqchat::sdk {

using cache_sql::AttachmentsColumn;
using cache_sql::ForEachRow;
using cache_sql::kEntryColumns;
using cache_sql::ReadEntry;
using cache_sql::ReadMessage;
using cache_sql::Run;
using cache_sql::Step;

namespace {

constexpr int kCursorScanChunk = 512;

}  // namespace

Result<std::unique_ptr<LocalCache>> LocalCache::Open(const std::string& path,
                                                     const std::string& user) {
  const std::string file = path.empty() ? ":memory:" : path;
  SqliteOpenOptions options;
  // WAL + NORMAL: commits survive an app crash (not necessarily a power cut) and cost no fsync.
  options.sync_every_commit = false;
  options.serialized = true;  // as well as the cache lock: the app's threads share the file
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db,
                          CacheResult(OpenSqlite(file, options), "opening " + file));
  MQCHAT_RETURN_IF_ERROR(MigrateCacheSchema(db.get(), file));

  auto s = std::make_unique<Statements>();
  const std::string cols = kEntryColumns;
  const std::pair<SqliteStmtPtr*, std::string> sqls[] = {
      {&s->get_meta, "SELECT value FROM meta WHERE key=?1"},
      {&s->put_meta, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)"},
      {&s->put_message, "INSERT OR IGNORE INTO messages(" + cols +
                            ") VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)"},
      {&s->messages_range, "SELECT " + cols +
                               " FROM messages WHERE conversation_id=?1 AND seq>?2 AND seq<=?3"
                               " AND kind IN ('', 'call') ORDER BY seq LIMIT ?4"},
      {&s->entries_range, "SELECT " + cols +
                              " FROM messages WHERE conversation_id=?1 AND seq>?2 AND seq<=?3"
                              " ORDER BY seq LIMIT ?4"},
      {&s->last_message, "SELECT " + cols +
                             " FROM messages WHERE conversation_id=?1 AND kind=''"
                             " ORDER BY seq DESC LIMIT 1"},
      {&s->message_at,
       "SELECT " + cols + " FROM messages WHERE conversation_id=?1 AND seq=?2 AND kind=''"},
      {&s->seqs_after,
       "SELECT seq FROM messages WHERE conversation_id=?1 AND seq>?2"
       " ORDER BY seq LIMIT ?3"},
      {&s->max_seq, "SELECT coalesce(max(seq), 0) FROM messages WHERE conversation_id=?1"},
      {&s->get_cursor, "SELECT seq FROM cursors WHERE conversation_id=?1"},
      {&s->put_cursor, "INSERT OR REPLACE INTO cursors(conversation_id, seq) VALUES(?1, ?2)"},
      {&s->all_cursors,
       "SELECT conversation_id, seq FROM cursors WHERE seq>0"
       " ORDER BY conversation_id"},
      {&s->upsert_conversation,
       "INSERT INTO conversations(id, kind, name, last_seq, read_seq, members, slow_mode_s)"
       " VALUES(?1,?2,?3,?4,?5,?6,?7) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind,"
       " name=excluded.name, last_seq=max(last_seq, excluded.last_seq),"
       " read_seq=max(read_seq, excluded.read_seq), members=excluded.members,"
       " slow_mode_s=excluded.slow_mode_s"},
      {&s->raise_last_seq, "UPDATE conversations SET last_seq=max(last_seq, ?2) WHERE id=?1"},
      {&s->raise_read_seq, "UPDATE conversations SET read_seq=max(read_seq, ?2) WHERE id=?1"},
      {&s->conversation_exists, "SELECT 1 FROM conversations WHERE id=?1"},
      // Walks the conversation's messages from the newest down to the user's newest one.
      {&s->raise_read_seq_to_own,
       "UPDATE conversations SET read_seq=max(read_seq, coalesce((SELECT seq FROM messages"
       " WHERE conversation_id=?1 AND sender=?2 ORDER BY seq DESC LIMIT 1), 0)) WHERE id=?1"},
      {&s->get_conversation,
       "SELECT id, kind, name, last_seq, read_seq, members, slow_mode_s FROM conversations"
       " WHERE id=?1"},
      // Column 7: the cached events above read_seq, which take seqs but are not unread (call
      // entries are: docs/PROTOCOL.md 8.5).
      {&s->list_conversations,
       "SELECT id, kind, name, max(last_seq, coalesce((SELECT max(seq) FROM messages m"
       " WHERE m.conversation_id=c.id), 0)), read_seq, members, muted_until_ms,"
       " (SELECT count(*) FROM messages e WHERE e.conversation_id=c.id AND e.kind NOT IN ('', "
       "'call')"
       " AND e.seq>c.read_seq), slow_mode_s FROM conversations c"},
      {&s->set_mute, "UPDATE conversations SET muted_until_ms=?2 WHERE id=?1"},
      {&s->drop_conversation, "DELETE FROM conversations WHERE id=?1"},
      {&s->drop_messages, "DELETE FROM messages WHERE conversation_id=?1"},
      {&s->drop_cursor, "DELETE FROM cursors WHERE conversation_id=?1"},
      {&s->drop_conversation_reactions, "DELETE FROM reactions WHERE conversation_id=?1"},
      {&s->add_outbox,
       "INSERT INTO outbox(client_msg_id, conversation_id, text, created_ms, kind,"
       " target_seq, attachments) VALUES(?1,?2,?3,?4,?5,?6,?7)"},
      {&s->remove_outbox, "DELETE FROM outbox WHERE client_msg_id=?1"},
      {&s->list_outbox,
       "SELECT position, client_msg_id, conversation_id, text, created_ms, kind,"
       " target_seq, attachments FROM outbox ORDER BY position"},
      // The message events (local_cache_events.cpp).
      {&s->apply_edit,
       "UPDATE messages SET text=?3, edited_at_ms=?4 WHERE conversation_id=?1"
       " AND seq=?2 AND kind='' AND deleted=0"},
      {&s->apply_delete,
       "UPDATE messages SET text='', attachments='', deleted=1 WHERE conversation_id=?1"
       " AND seq=?2 AND kind='' AND deleted=0"},
      {&s->clear_target_events,
       "UPDATE messages SET text='' WHERE conversation_id=?1"
       " AND target_seq=?2 AND kind<>''"},
      {&s->clear_event_text, "UPDATE messages SET text='' WHERE conversation_id=?1 AND seq=?2"},
      {&s->drop_reactions, "DELETE FROM reactions WHERE conversation_id=?1 AND seq=?2"},
      {&s->add_reaction,
       "INSERT OR IGNORE INTO reactions(conversation_id, seq, emoji, user)"
       " VALUES(?1,?2,?3,?4)"},
      {&s->remove_reaction,
       "DELETE FROM reactions WHERE conversation_id=?1 AND seq=?2"
       " AND emoji=?3 AND user=?4"},
      {&s->message_reactions,
       "SELECT emoji, count(*), max(user=?3) FROM reactions"
       " WHERE conversation_id=?1 AND seq=?2 GROUP BY emoji ORDER BY emoji"},
      {&s->range_reactions,
       "SELECT seq, emoji, count(*), max(user=?4) FROM reactions WHERE conversation_id=?1"
       " AND seq>?2 AND seq<=?3 GROUP BY seq, emoji ORDER BY seq, emoji"},
      {&s->reply_quote,
       "SELECT sender, text, deleted FROM messages WHERE conversation_id=?1"
       " AND seq=?2 AND kind=''"},
      {&s->count_outbox, "SELECT count(*) FROM outbox"},
  };
  for (const auto& [stmt, sql] : sqls) {
    MQCHAT_ASSIGN_OR_RETURN(*stmt, CacheResult(PrepareSqlite(db.get(), sql), "preparing " + sql));
  }

  // The cache belongs to one user: cursors and the outbox mean nothing for another.
  {
    StmtReset reset(s->get_meta.get());
    MQCHAT_ASSIGN_OR_RETURN(bool known, Step("reading the cache owner", s->get_meta.get(), "user"));
    if (known) {
      std::string owner = ColumnText(s->get_meta.get(), 0);
      if (owner != user) {
        return Status::FailedPrecondition("cache " + file + " belongs to user '" + owner +
                                          "', not '" + user + "'");
      }
    } else {
      MQCHAT_RETURN_IF_ERROR(Run("recording the cache owner", s->put_meta.get(), "user", user));
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

LocalCache::Transaction::Transaction(LocalCache& cache) : lock_(cache.mu_) {
  auto txn = SqliteTxn::Begin(cache.db_.get());
  if (txn.ok()) txn_.emplace(std::move(txn).value());
}

LocalCache::Transaction::~Transaction() = default;  // an open SqliteTxn rolls back

Status LocalCache::Transaction::Commit() {
  if (!txn_) return Status::Unavailable("cache: could not begin a transaction");
  Status s = txn_->Commit();
  txn_.reset();  // rolls back if the COMMIT failed
  return CacheStatus(s, "committing");
}

Status LocalCache::PutPrivacy(const std::string& json) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return Run("storing the block list", stmts_->put_meta.get(), "privacy", json);
}

Result<std::string> LocalCache::Privacy() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->get_meta.get();
  StmtReset reset(st);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, Step("reading the block list", st, "privacy"));
  return has_row ? ColumnText(st, 0) : std::string();
}

Result<bool> LocalCache::PutEntry(const LogEntry& e) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  const Message& m = e.message;
  // A deleted message keeps no text, whatever the copy carries.
  std::string text = m.deleted && e.kind.empty() ? std::string() : m.text;
  // A call entry keeps its record in the text column (ReadEntry reads it back).
  if (m.call) text = protocol::EncodeCallRecord(ToWire(*m.call)).dump();
  MQCHAT_RETURN_IF_ERROR(Run("storing a message", stmts_->put_message.get(), m.conversation_id,
                             m.seq, m.message_id, m.sender, m.client_msg_id, text, m.sent_at_ms,
                             m.reply_to, m.edited_at_ms, int64_t{m.deleted ? 1 : 0}, e.kind,
                             e.target_seq,
                             m.deleted ? std::string() : AttachmentsColumn(m.attachments)));
  const bool stored = sqlite3_changes(db_.get()) > 0;
  // The server moved the sender's read position when it stored the message or event
  // (docs/PROTOCOL.md, "send", "Event kinds"); also when this copy is a duplicate, so that
  // caches written before this rule heal.
  if (m.sender == user_) MQCHAT_RETURN_IF_ERROR(RaiseReadSeq(m.conversation_id, m.seq));
  // A call entry also moved the read position of those who took part (docs/PROTOCOL.md 8.5).
  if (m.call && !m.call->MissedBy(user_)) {
    MQCHAT_RETURN_IF_ERROR(RaiseReadSeq(m.conversation_id, m.seq));
  }
  return stored;
}

Result<std::vector<Message>> LocalCache::Messages(int64_t conversation_id, int64_t after_seq,
                                                  int64_t up_to_seq, int limit) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::vector<Message> out;
  MQCHAT_RETURN_IF_ERROR(ForEachRow(
      "reading messages", [&](sqlite3_stmt* st) { out.push_back(ReadMessage(st)); },
      stmts_->messages_range.get(), conversation_id, after_seq, up_to_seq,
      static_cast<int64_t>(limit)));
  std::vector<Message*> messages;
  for (Message& m : out) messages.push_back(&m);
  if (!out.empty()) {
    MQCHAT_RETURN_IF_ERROR(DecorateRange(messages, conversation_id, after_seq, out.back().seq));
  }
  return out;
}

Result<std::vector<LogEntry>> LocalCache::Entries(int64_t conversation_id, int64_t after_seq,
                                                  int64_t up_to_seq, int limit) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::vector<LogEntry> out;
  MQCHAT_RETURN_IF_ERROR(ForEachRow(
      "reading the log", [&](sqlite3_stmt* st) { out.push_back(ReadEntry(st)); },
      stmts_->entries_range.get(), conversation_id, after_seq, up_to_seq,
      static_cast<int64_t>(limit)));
  std::vector<Message*> messages;
  for (LogEntry& e : out) {
    if (e.kind.empty()) messages.push_back(&e.message);
  }
  if (!out.empty()) {
    MQCHAT_RETURN_IF_ERROR(
        DecorateRange(messages, conversation_id, after_seq, out.back().message.seq));
  }
  return out;
}

Result<std::optional<Message>> LocalCache::LastMessage(int64_t conversation_id) const {
  sqlite3_stmt* st = stmts_->last_message.get();
  StmtReset reset(st);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, Step("reading the last message", st, conversation_id));
  if (!has_row) return std::optional<Message>();
  Message m = ReadMessage(st);
  MQCHAT_RETURN_IF_ERROR(Decorate(m));  // with other statements
  return std::optional<Message>(std::move(m));
}

Result<int64_t> LocalCache::Cursor(int64_t conversation_id) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->get_cursor.get();
  StmtReset reset(st);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, Step("reading a cursor", st, conversation_id));
  return has_row ? ColumnInt64(st, 0) : int64_t{0};
}

Result<std::vector<std::pair<int64_t, int64_t>>> LocalCache::Cursors() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::vector<std::pair<int64_t, int64_t>> out;
  MQCHAT_RETURN_IF_ERROR(ForEachRow(
      "reading cursors",
      [&](sqlite3_stmt* st) { out.emplace_back(ColumnInt64(st, 0), ColumnInt64(st, 1)); },
      stmts_->all_cursors.get()));
  return out;
}

Result<int64_t> LocalCache::MaxStoredSeq(int64_t conversation_id) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->max_seq.get();
  StmtReset reset(st);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, Step("reading the highest seq", st, conversation_id));
  if (!has_row) return Status::FailedPrecondition("cache: reading the highest seq: no row");
  return ColumnInt64(st, 0);
}

Result<CursorMove> LocalCache::AdvanceCursor(int64_t conversation_id, int64_t floor) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  MQCHAT_ASSIGN_OR_RETURN(int64_t old_seq, Cursor(conversation_id));
  int64_t cursor = std::max(old_seq, floor);
  // Walk the stored seqs after the cursor while they follow it without a gap.
  while (true) {
    sqlite3_stmt* st = stmts_->seqs_after.get();
    StmtReset reset(st);
    int rows = 0;
    bool gap = false;
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, Step("scanning seqs", st, conversation_id, cursor,
                                               int64_t{kCursorScanChunk}));
    while (has_row) {
      ++rows;
      const int64_t seq = ColumnInt64(st, 0);
      if (seq != cursor + 1) {
        gap = true;
        break;
      }
      cursor = seq;
      MQCHAT_ASSIGN_OR_RETURN(has_row, CacheResult(StepSqlite(st), "scanning seqs"));
    }
    if (gap || rows < kCursorScanChunk) break;
  }
  if (cursor != old_seq) {
    MQCHAT_RETURN_IF_ERROR(
        Run("storing a cursor", stmts_->put_cursor.get(), conversation_id, cursor));
  }
  return CursorMove{old_seq, cursor};
}

}  // namespace mqchat::sdk
