// LocalCache: the SDK's offline-first store, one SQLite file chosen by the app: conversations,
// the conversation log keyed by (conversation_id, seq) (messages in their current state, and a
// row per event, docs/PROTOCOL.md "Event kinds"), reactions by user, the outbox of
// unacknowledged sends and message events, and the per-conversation sync cursors. Events are
// applied to their message once, when the cursor passes them (ApplyEvent); an event row keeps
// no text after that, and a deleted message keeps none at all. It keeps the server's rule for
// the user's read state: storing a message or event moves its sender's read_seq up to its seq
// (so the user's own messages are never unread), read_seq never moves backwards, and events
// are never unread. Thread-safe: every method takes the cache lock;
// a Transaction holds it until it ends, so a batch of writes is atomic and other threads wait
// for it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mqchat/events.h"
#include "mqchat/status.h"
#include "mqchat/types.h"
#include "sqlite/sqlite_helpers.h"

namespace mqchat::sdk {

struct OutboxEntry {
  int64_t position = 0;  // assigned by AddOutbox; sending order
  std::string client_msg_id;
  int64_t conversation_id = 0;
  std::string text;  // a send's or edit's text, a reaction's emoji, "" for a delete
  int64_t created_ms = 0;
  // "" a send (a reply when target_seq > 0), else protocol::values::kEventEdit, kEventDelete,
  // kEventReact or kEventUnreact: the event on message target_seq.
  std::string kind;
  int64_t target_seq = 0;
  std::vector<std::string> attachments;  // a message's attachment ids
};

// One row of a conversation's log: a message (kind ""), or an event on message target_seq
// (kind protocol::values::kEvent*, or one this SDK does not know, which it skips).
struct LogEntry {
  Message message;  // an event's seq, message_id, sender, client_msg_id, text and time
  std::string kind;
  int64_t target_seq = 0;
};

// A cursor move: messages with old_seq < seq <= new_seq became deliverable.
struct CursorMove {
  int64_t old_seq = 0;
  int64_t new_seq = 0;
};

class LocalCache {
 public:
  // Opens or creates the cache at `path` ("" or ":memory:" for memory) for `user`. Fails with
  // kFailedPrecondition if the file cannot be opened, has a newer schema, or belongs to another
  // user.
  static Result<std::unique_ptr<LocalCache>> Open(const std::string& path, const std::string& user);
  ~LocalCache();
  LocalCache(const LocalCache&) = delete;
  LocalCache& operator=(const LocalCache&) = delete;

  // Holds the cache lock from construction; rolls back unless Commit() succeeded.
  class Transaction {
   public:
    explicit Transaction(LocalCache& cache);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Status Commit();

   private:
    std::unique_lock<std::recursive_mutex> lock_;  // declared first: released after txn_ ends
    std::optional<SqliteTxn> txn_;                 // empty if BEGIN failed or once committed
  };

  // --- Messages and events ---
  // Stores `e` unless (conversation_id, seq) is already there. True if it was new. An entry of
  // the cache's user raises its conversation's read_seq to at least its seq. A message is
  // stored as given (text, reply_to, edited_at_ms, deleted; its reactions come from events).
  Result<bool> PutEntry(const LogEntry& e);
  Result<bool> PutMessage(const Message& m) { return PutEntry(LogEntry{m, "", 0}); }
  // Messages (not events) with after_seq < seq <= up_to_seq, ascending, at most `limit`, with
  // their reactions and reply quotes.
  Result<std::vector<Message>> Messages(int64_t conversation_id, int64_t after_seq,
                                        int64_t up_to_seq, int limit) const;
  // Every log row with after_seq < seq <= up_to_seq, ascending, at most `limit`; messages as
  // Messages() has them.
  Result<std::vector<LogEntry>> Entries(int64_t conversation_id, int64_t after_seq,
                                        int64_t up_to_seq, int limit) const;
  // Applies a stored event to its message (edit: new text and edited time; delete: tombstone,
  // the text of the message and of its edits removed, reactions dropped; react/unreact: this
  // sender's reaction) and removes the event row's text. Returns the message as it is now, or
  // nullopt if the cache does not have it (or it was deleted before) or the kind is unknown.
  // Call once per event, in seq order (Ingest does, as the cursor passes it).
  Result<std::optional<MessageUpdate>> ApplyEvent(const LogEntry& e);

  // --- Sync cursors: the seq up to which the device has every message and told the app ---
  Result<int64_t> Cursor(int64_t conversation_id) const;
  // Every (conversation, cursor) with a cursor above 0, ascending by conversation.
  Result<std::vector<std::pair<int64_t, int64_t>>> Cursors() const;
  // Raises the cursor to at least `floor`, then past stored messages that follow it without a
  // gap. Never lowers it.
  Result<CursorMove> AdvanceCursor(int64_t conversation_id, int64_t floor);
  // The highest stored seq of a conversation (0 if none).
  Result<int64_t> MaxStoredSeq(int64_t conversation_id) const;

  // --- Conversations ---
  // Inserts or updates; last_seq and read_seq never move backwards. A new row's read_seq is at
  // least the seq of the user's newest stored message of the conversation.
  Status PutConversation(const Conversation& c, int64_t read_seq = 0);
  Status PutSummary(const ConversationSummary& s);
  // This user's mute of the conversation (muted_until_ms as the server has it); no-op if unknown.
  Status SetMute(int64_t conversation_id, int64_t until_ms);
  Status RaiseLastSeq(int64_t conversation_id, int64_t seq);  // no-op if unknown
  Status RaiseReadSeq(int64_t conversation_id, int64_t seq);  // no-op if unknown
  // Forgets the conversation, its messages and cursor (the user left or was removed).
  Status DropConversation(int64_t conversation_id);
  Result<std::optional<Conversation>> GetConversation(int64_t conversation_id) const;
  // Most recently active first (by last message time, then id).
  Result<std::vector<ConversationSummary>> Summaries() const;
  // The sum of the unread (the messages above read_seq, events not counted: last_seq - read_seq
  // less the cached events above read_seq) of every cached conversation not muted now: the
  // app's badge, the number push notifications carry as counts.unread (docs/PROTOCOL.md 7.2).
  Result<int64_t> TotalUnread() const;

  // --- Privacy ---
  // This user's block list and dm_policy as the server last sent them: the JSON of
  // protocol::EncodePrivacy, kept in the meta table; "" if never stored.
  Status PutPrivacy(const std::string& json);
  Result<std::string> Privacy() const;

  // --- Outbox ---
  // Appends; returns the entry's position.
  Result<int64_t> AddOutbox(const OutboxEntry& entry);
  Status RemoveOutbox(const std::string& client_msg_id);
  Result<std::vector<OutboxEntry>> Outbox() const;
  Result<size_t> OutboxSize() const;

 private:
  struct Statements;
  LocalCache(SqliteDbPtr db, std::unique_ptr<Statements> stmts, std::string user);
  Result<std::optional<Message>> LastMessage(int64_t conversation_id) const;
  // A message of the conversation (not an event), decorated; nullopt if not cached.
  Result<std::optional<Message>> MessageAt(int64_t conversation_id, int64_t seq) const;
  // Fills in `m`'s reactions and reply quote from the cache.
  Status Decorate(Message& m) const;
  // Decorate for messages of one conversation, ascending by seq, all with seqs in
  // (after_seq, up_to_seq]: their reactions in one query (a sync page's thousands of messages
  // cost one query per conversation, not one each).
  Status DecorateRange(const std::vector<Message*>& messages, int64_t conversation_id,
                       int64_t after_seq, int64_t up_to_seq) const;
  Status AddReplyQuote(Message& m) const;

  mutable std::recursive_mutex mu_;
  const std::string user_;  // the cache's owner, whose sends move read_seq
  SqliteDbPtr db_;
  std::unique_ptr<Statements> stmts_;
};

}  // namespace mqchat::sdk
