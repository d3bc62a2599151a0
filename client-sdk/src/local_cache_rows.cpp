// LocalCache: the conversation and outbox tables.
#include <algorithm>
#include <chrono>

#include "local_cache.h"
#include "local_cache_sql.h"

namespace mqchat::sdk {

using cache_sql::DecodeMembers;
using cache_sql::EncodeMembers;
using cache_sql::ForEachRow;
using cache_sql::Run;
using cache_sql::Step;

Status LocalCache::PutConversation(const Conversation& c, int64_t read_seq) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  bool existed = false;
  {
    sqlite3_stmt* st = stmts_->conversation_exists.get();
    StmtReset reset(st);  // a SELECT left on its row would keep the next bind from working
    MQCHAT_ASSIGN_OR_RETURN(existed, Step("looking up a conversation", st, c.id));
  }
  MQCHAT_RETURN_IF_ERROR(Run("storing a conversation", stmts_->upsert_conversation.get(), c.id,
                             std::string(KindName(c.kind)), c.name, c.last_seq, read_seq,
                             EncodeMembers(c.members), c.slow_mode_s));
  if (existed) return Status::Ok();  // PutMessage raised an existing row's read_seq already
  // Own messages stored before the row (an ack or event that beat the conversation list).
  return Run("raising read_seq to the user's messages", stmts_->raise_read_seq_to_own.get(), c.id,
             user_);
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
  c.slow_mode_s = s.slow_mode_s;
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
  MQCHAT_RETURN_IF_ERROR(SetMute(s.id, s.muted_until_ms));
  if (s.last_message) MQCHAT_RETURN_IF_ERROR(PutMessage(*s.last_message).status());
  return Status::Ok();
}

Status LocalCache::SetMute(int64_t conversation_id, int64_t until_ms) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return Run("storing a mute", stmts_->set_mute.get(), conversation_id, until_ms);
}

Status LocalCache::RaiseLastSeq(int64_t conversation_id, int64_t seq) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return Run("raising last_seq", stmts_->raise_last_seq.get(), conversation_id, seq);
}

Status LocalCache::RaiseReadSeq(int64_t conversation_id, int64_t seq) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return Run("raising read_seq", stmts_->raise_read_seq.get(), conversation_id, seq);
}

Status LocalCache::DropConversation(int64_t conversation_id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (sqlite3_stmt* st :
       {stmts_->drop_conversation.get(), stmts_->drop_messages.get(), stmts_->drop_cursor.get(),
        stmts_->drop_conversation_reactions.get()}) {
    MQCHAT_RETURN_IF_ERROR(Run("dropping a conversation", st, conversation_id));
  }
  return Status::Ok();
}

Result<std::optional<Conversation>> LocalCache::GetConversation(int64_t conversation_id) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->get_conversation.get();
  StmtReset reset(st);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, Step("reading a conversation", st, conversation_id));
  if (!has_row) return std::optional<Conversation>();
  Conversation c;
  c.id = ColumnInt64(st, 0);
  c.kind = KindFromString(ColumnText(st, 1));
  c.name = ColumnText(st, 2);
  c.last_seq = ColumnInt64(st, 3);
  c.members = DecodeMembers(ColumnText(st, 5));
  c.slow_mode_s = ColumnInt64(st, 6);
  return std::optional<Conversation>(std::move(c));
}

Result<std::vector<ConversationSummary>> LocalCache::Summaries() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::vector<ConversationSummary> out;
  MQCHAT_RETURN_IF_ERROR(ForEachRow(
      "listing conversations",
      [&](sqlite3_stmt* st) {
        ConversationSummary s;
        s.id = ColumnInt64(st, 0);
        s.kind = KindFromString(ColumnText(st, 1));
        s.name = ColumnText(st, 2);
        s.last_seq = ColumnInt64(st, 3);
        s.read_seq = ColumnInt64(st, 4);
        s.unread = std::max<int64_t>(0, s.last_seq - s.read_seq - ColumnInt64(st, 7));
        for (auto& m : DecodeMembers(ColumnText(st, 5))) s.members.push_back(std::move(m.user));
        s.muted_until_ms = ColumnInt64(st, 6);
        s.slow_mode_s = ColumnInt64(st, 8);
        out.push_back(std::move(s));
      },
      stmts_->list_conversations.get()));
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

Result<int64_t> LocalCache::TotalUnread() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  int64_t total = 0;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  MQCHAT_RETURN_IF_ERROR(ForEachRow(
      "counting unread messages",
      [&](sqlite3_stmt* st) {
        if (IsMutedAt(ColumnInt64(st, 6), now_ms)) return;  // push leaves these out too
        const int64_t events = ColumnInt64(st, 7);  // not unread
        total += std::max<int64_t>(0, ColumnInt64(st, 3) - ColumnInt64(st, 4) - events);
      },
      stmts_->list_conversations.get()));
  return total;
}

Result<int64_t> LocalCache::AddOutbox(const OutboxEntry& entry) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  MQCHAT_RETURN_IF_ERROR(Run("adding to the outbox", stmts_->add_outbox.get(), entry.client_msg_id,
                             entry.conversation_id, entry.text, entry.created_ms, entry.kind,
                             entry.target_seq, cache_sql::JoinIds(entry.attachments)));
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_.get()));
}

Status LocalCache::RemoveOutbox(const std::string& client_msg_id) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  return Run("removing from the outbox", stmts_->remove_outbox.get(), client_msg_id);
}

Result<std::vector<OutboxEntry>> LocalCache::Outbox() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::vector<OutboxEntry> out;
  MQCHAT_RETURN_IF_ERROR(ForEachRow(
      "reading the outbox",
      [&](sqlite3_stmt* st) {
        OutboxEntry e;
        e.position = ColumnInt64(st, 0);
        e.client_msg_id = ColumnText(st, 1);
        e.conversation_id = ColumnInt64(st, 2);
        e.text = ColumnText(st, 3);
        e.created_ms = ColumnInt64(st, 4);
        e.kind = ColumnText(st, 5);
        e.target_seq = ColumnInt64(st, 6);
        e.attachments = cache_sql::SplitIds(ColumnText(st, 7));
        out.push_back(std::move(e));
      },
      stmts_->list_outbox.get()));
  return out;
}

Result<size_t> LocalCache::OutboxSize() const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  sqlite3_stmt* st = stmts_->count_outbox.get();
  StmtReset reset(st);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, Step("counting the outbox", st));
  if (!has_row) return Status::FailedPrecondition("cache: counting the outbox: no row");
  return static_cast<size_t>(ColumnInt64(st, 0));
}

}  // namespace mqchat::sdk
