// RetentionStore: how long conversations keep their messages, and the removal of the expired
// ones (issue 24; migration 015; docs/OPERATIONS.md "Retention"), behind one interface for
// SQLite and PostgreSQL. A conversation follows the server's default unless it has its own
// number of days (set by a group's owner or admin, or by the operator). The sweeper
// (retention/retention_sweeper.h) removes expired messages in small batches, each one short
// transaction, raising the conversation's expired_through_seq in the same transaction, so seqs
// stay and history and sync can mark the gap. An instance owns one connection and is confined
// to the thread that uses it. Never the broker thread. Slow mode (another setting a group's
// owner or admin makes, with the same role check and audit) is set here too.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/chat_store.h"

namespace mqchat::store {

// The actor of a change made by the operator (mqchatctl, the admin API) in the audit log and the
// retention and moderation checks. No account can have this name (protocol::IsReservedUsername).
inline constexpr char kOperatorActor[] = "operator";

struct RetentionSetting {
  ConversationId id = 0;
  std::optional<int64_t> days;      // nullopt: the server's default; 0: keep forever
  int64_t expired_through_seq = 0;  // every seq <= this one expired
};

// What one ExpireBatch did.
struct ExpiredBatch {
  int64_t from_seq = 0;     // the conversation's expired_through_seq before
  int64_t through_seq = 0;  // and after (== from_seq: nothing expired)
  int64_t removed = 0;      // log entries removed (the gap's seqs)
};

class RetentionStore {
 public:
  virtual ~RetentionStore() = default;

  // Sets conversation `id`'s retention (nullopt: the server's default) and writes an audit row.
  // `actor` is a username, who must be an owner or admin of the group (kPermissionDenied for a
  // member, for a direct conversation, and kNotFound for a non-member or no such conversation,
  // so the answer reveals nothing to outsiders); kOperatorActor may set any conversation's
  // (kNotFound if it does not exist).
  virtual Status SetRetention(ConversationId id, const std::string& actor,
                              std::optional<int64_t> days, int64_t now_ms) = 0;
  // Sets conversation `id`'s slow mode (migration 018: the least seconds between two messages
  // of one member; 0 off), with the same rules for `actor` as SetRetention and an audit row
  // ("slow_mode"); raises members_version in the same transaction, so every broker's cached
  // copy (chat/membership_cache.h), which carries the setting, is reloaded.
  virtual Status SetSlowMode(ConversationId id, const std::string& actor, int64_t seconds,
                             int64_t now_ms) = 0;
  // kNotFound if there is no such conversation.
  virtual Result<RetentionSetting> GetRetention(ConversationId id) = 0;
  // Conversations with id > `after`, ascending by id, at most `limit` (the sweeper's walk).
  virtual Result<std::vector<RetentionSetting>> ListRetention(ConversationId after,
                                                              int limit) = 0;
  // Removes the oldest entries of conversation `id` after its expired_through_seq that were
  // created before `cutoff_ms`, at most `limit`, stopping at the first newer one (so the
  // expired seqs stay one range), and raises expired_through_seq to the last removed, all in
  // one short transaction. Their reactions go with them, and so do their search index entries
  // (PostgreSQL: in that transaction; SQLite: right after it, in the index file,
  // sqlite_search_prune.h). A batch raced by another sweeper (another broker) removes nothing.
  virtual Result<ExpiredBatch> ExpireBatch(ConversationId id, int64_t cutoff_ms, int limit) = 0;
  // Removes the oldest resend keys (migration 028: recent_sends) created before `cutoff_ms`, at
  // most `limit`, in one short transaction; returns how many. A resend whose key is gone is
  // stored as a new message (docs/PROTOCOL.md, "send"). Several sweepers may purge at once.
  virtual Result<int64_t> PurgeResendKeys(int64_t cutoff_ms, int limit) = 0;
};

using RetentionStorePtr = std::unique_ptr<RetentionStore>;

}  // namespace mqchat::store
