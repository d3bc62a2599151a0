// UserDataStore: a user's data for an access request (export) and its erasure on request
// (issue 24; docs/OPERATIONS.md "Erasure and export"), behind one interface for SQLite and
// PostgreSQL. Used by mqchatctl (the account itself is deleted through AccountStore, as
// `user delete` does). Both walk the user's messages in small batches by (conversation, seq),
// so no transaction is long and the brokers keep sending. Every erasure and export is written
// to the audit log (migration 015). An instance owns one connection; confined to one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/chat_store.h"

namespace mqchat::store {

struct UserProfile {
  int64_t user_id = 0;
  std::string username;
  int state = 0;  // UserState
  int64_t created_at_ms = 0;
};

struct UserConversation {
  ConversationId id = 0;
  ConversationKind kind = ConversationKind::kGroup;
  std::string name;
  MemberRole role = MemberRole::kMember;
  int64_t joined_at_ms = 0;
  std::vector<std::string> members;
};

// One row of the audit log (migration 015).
struct AuditEntry {
  int64_t id = 0;
  int64_t at_ms = 0;
  std::string actor;  // a username, or kOperatorActor ("operator")
  std::string action;
  std::string subject;
  std::string detail;
};

class UserDataStore {
 public:
  virtual ~UserDataStore() = default;

  // kNotFound if there is no such user (deleted users are found).
  virtual Result<UserProfile> Profile(const std::string& user) = 0;
  // The conversations `user` is a member of, by id.
  virtual Result<std::vector<UserConversation>> Conversations(const std::string& user) = 0;
  // Calls `each` with every log entry `user` sent (every kind, as stored now), by conversation
  // then seq, in batches of `batch`; stops at the first error `each` returns.
  virtual Status ForEachSent(const std::string& user, int batch,
                             const std::function<Status(const StoredMessage&)>& each) = 0;
  // Erases the text of every message and edit `user` sent: each message becomes a tombstone
  // (text removed, deleted_at_ms = now_ms unless deleted before; seq kept), its edits lose their
  // text too, and so do pending push previews of them and their search index entries; in
  // batches of `batch`, each its own transaction (SQLite prunes its index file right after
  // each). Returns the number of messages erased.
  virtual Result<int64_t> EraseSent(const std::string& user, int64_t now_ms, int batch) = 0;
  // Appends a row to the audit log.
  virtual Status Audit(const std::string& actor, const std::string& action,
                       const std::string& subject, const std::string& detail,
                       int64_t now_ms) = 0;
  // Audit rows with id > `after_id`, oldest first, at most `limit` (mqchatctl audit list).
  virtual Result<std::vector<AuditEntry>> ListAudit(int64_t after_id, int limit) = 0;
};

using UserDataStorePtr = std::unique_ptr<UserDataStore>;

}  // namespace mqchat::store
