// LocalCache: the message events (docs/PROTOCOL.md, "Event kinds") applied to their messages,
// and what a message read from the cache carries besides its row: reactions and reply quote.
#include <string_view>

#include "local_cache.h"
#include "local_cache_sql.h"
#include "protocol/fields.h"

namespace mqchat::sdk {

using cache_sql::ForEachRow;
using cache_sql::ReadMessage;
using cache_sql::Run;
using cache_sql::Step;

namespace {

namespace values = protocol::values;

// The start of a quoted message's text, as the server's reply snippets: at most this many code
// points, then "…".
constexpr size_t kSnippetChars = 100;

std::string Snippet(const std::string& text) {
  size_t code_points = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte & 0xC0) == 0x80) continue;  // a continuation byte
    if (code_points++ == kSnippetChars) return text.substr(0, i) + "\xE2\x80\xA6";
  }
  return text;
}

}  // namespace

Result<std::optional<Message>> LocalCache::MessageAt(int64_t conversation_id, int64_t seq) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  std::optional<Message> m;
  {
    sqlite3_stmt* st = stmts_->message_at.get();
    StmtReset reset(st);
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, Step("reading a message", st, conversation_id, seq));
    if (has_row) m = ReadMessage(st);
  }
  if (m) MQCHAT_RETURN_IF_ERROR(Decorate(*m));
  return m;
}

Status LocalCache::Decorate(Message& m) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  m.reactions.clear();
  MQCHAT_RETURN_IF_ERROR(ForEachRow(
      "reading reactions",
      [&](sqlite3_stmt* st) {
        m.reactions.push_back(
            Reaction{ColumnText(st, 0), ColumnInt64(st, 1), ColumnInt64(st, 2) != 0});
      },
      stmts_->message_reactions.get(), m.conversation_id, m.seq, user_));
  return AddReplyQuote(m);
}

Status LocalCache::DecorateRange(const std::vector<Message*>& messages, int64_t conversation_id,
                                 int64_t after_seq, int64_t up_to_seq) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  for (Message* m : messages) m->reactions.clear();
  // Rows ascending by seq, as `messages` are: one walk matches them.
  size_t i = 0;
  MQCHAT_RETURN_IF_ERROR(ForEachRow(
      "reading reactions",
      [&](sqlite3_stmt* st) {
        const int64_t seq = ColumnInt64(st, 0);
        while (i < messages.size() && messages[i]->seq < seq) ++i;
        if (i == messages.size() || messages[i]->seq != seq) return;  // an event's seq
        messages[i]->reactions.push_back(
            Reaction{ColumnText(st, 1), ColumnInt64(st, 2), ColumnInt64(st, 3) != 0});
      },
      stmts_->range_reactions.get(), conversation_id, after_seq, up_to_seq, user_));
  for (Message* m : messages) MQCHAT_RETURN_IF_ERROR(AddReplyQuote(*m));
  return Status::Ok();
}

Status LocalCache::AddReplyQuote(Message& m) const {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  m.reply.reset();
  if (m.reply_to <= 0) return Status::Ok();
  sqlite3_stmt* st = stmts_->reply_quote.get();
  StmtReset reset(st);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row,
                          Step("reading a quoted message", st, m.conversation_id, m.reply_to));
  if (has_row) {
    ReplyQuote q;
    q.seq = m.reply_to;
    q.sender = ColumnText(st, 0);
    q.deleted = ColumnInt64(st, 2) != 0;
    if (!q.deleted) q.snippet = Snippet(ColumnText(st, 1));
    m.reply = std::move(q);
  }
  return Status::Ok();
}

// One statement per kind; each is a no-op when the message is not cached, so every event can be
// applied once in seq order whatever the cache holds.
Result<std::optional<MessageUpdate>> LocalCache::ApplyEvent(const LogEntry& e) {
  std::lock_guard<std::recursive_mutex> lock(mu_);
  const Message& ev = e.message;
  const int64_t conv = ev.conversation_id;
  MessageUpdate update;
  update.event_seq = ev.seq;
  update.actor = ev.sender;
  bool changed = false;
  if (e.kind == values::kEventEdit) {
    update.kind = MessageUpdate::Kind::kEdited;
    MQCHAT_RETURN_IF_ERROR(Run("applying an edit", stmts_->apply_edit.get(), conv, e.target_seq,
                               ev.text, ev.sent_at_ms));
    changed = sqlite3_changes(db_.get()) > 0;
  } else if (e.kind == values::kEventDelete) {
    update.kind = MessageUpdate::Kind::kDeleted;
    MQCHAT_RETURN_IF_ERROR(
        Run("applying a deletion", stmts_->apply_delete.get(), conv, e.target_seq));
    changed = sqlite3_changes(db_.get()) > 0;
    // No trace of its text: not in its edits, no reactions on the tombstone.
    MQCHAT_RETURN_IF_ERROR(Run("removing a deleted message's edits",
                               stmts_->clear_target_events.get(), conv, e.target_seq));
    MQCHAT_RETURN_IF_ERROR(Run("removing a deleted message's reactions",
                               stmts_->drop_reactions.get(), conv, e.target_seq));
  } else if (e.kind == values::kEventReact || e.kind == values::kEventUnreact) {
    const bool add = e.kind == values::kEventReact;
    update.kind = add ? MessageUpdate::Kind::kReacted : MessageUpdate::Kind::kUnreacted;
    update.emoji = ev.text;
    sqlite3_stmt* st = add ? stmts_->add_reaction.get() : stmts_->remove_reaction.get();
    MQCHAT_RETURN_IF_ERROR(Run("applying a reaction", st, conv, e.target_seq, ev.text, ev.sender));
    changed = true;  // the message itself may not be cached: checked below
  }
  // The event row keeps no text once applied (unknown kinds are never shown either).
  MQCHAT_RETURN_IF_ERROR(Run("clearing an event", stmts_->clear_event_text.get(), conv, ev.seq));
  if (!changed) return std::optional<MessageUpdate>();
  MQCHAT_ASSIGN_OR_RETURN(std::optional<Message> target, MessageAt(conv, e.target_seq));
  if (!target || (target->deleted && update.kind != MessageUpdate::Kind::kDeleted)) {
    return std::optional<MessageUpdate>();
  }
  update.message = std::move(*target);
  return std::optional<MessageUpdate>(std::move(update));
}

}  // namespace mqchat::sdk
