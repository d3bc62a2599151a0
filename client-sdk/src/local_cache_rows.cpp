// LocalCache: the conversation and outbox tables.
#include <algorithm>

#include "local_cache.h"
#include "local_cache_sql.h"

namespace mqchat::sdk {

using cache_sql::BindText;
using cache_sql::ColumnText;
using cache_sql::DecodeMembers;
using cache_sql::EncodeMembers;
using cache_sql::StepDone;

Status LocalCache::PutConversation(const Conversation& c, int64_t read_seq) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  bool existed = false;
  {
    sqlite3_stmt* st = stmts_->conversation_exists.get();
    StmtReset reset(st);
    sqlite3_bind_int64(st, 1, c.id);
    const int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
      return SqliteError(db_.get(), rc, "looking up a conversation");
    }
    existed = rc == SQLITE_ROW;
  }
  {
    sqlite3_stmt* st = stmts_->upsert_conversation.get();
    StmtReset reset(st);
    sqlite3_bind_int64(st, 1, c.id);
    BindText(st, 2, std::string(KindName(c.kind)));
    BindText(st, 3, c.name);
    sqlite3_bind_int64(st, 4, c.last_seq);
    sqlite3_bind_int64(st, 5, read_seq);
    BindText(st, 6, EncodeMembers(c.members));
    MQCHAT_RETURN_IF_ERROR(StepDone(db_.get(), st, "storing a conversation"));
  }
  if (existed) return Status::Ok();  // PutMessage raised an existing row's read_seq already
  // Own messages stored before the row (an ack or event that beat the conversation list).
  sqlite3_stmt* st = stmts_->raise_read_seq_to_own.get();
  StmtReset reset(st);
  sqlite3_bind_int64(st, 1, c.id);
  BindText(st, 2, user_);
  return StepDone(db_.get(), st, "raising read_seq to the user's messages");
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
