// OperatorStore: what an operator's tools (mqchatctl) read and change that no user request does
// (issue 19, "Admin"): every conversation with its kind and size, a group member made admin or
// member again, and counts of the whole store. Behind one interface for SQLite and PostgreSQL;
// an instance owns one connection and is confined to its thread. Never the broker thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/chat_store.h"

namespace mqchat::store {

// What kind of conversation a row is: a channel (issue 18) is a group-kind conversation that a
// `channels` row names, whose members are the server's.
enum class ConversationShape { kDirect, kGroup, kChannel };

struct ConversationRow {
  ConversationId id = 0;
  ConversationShape shape = ConversationShape::kGroup;
  std::string name;  // groups; "" for direct conversations and channels (their name is the channel's)
  int64_t members = 0;  // direct and groups; 0 for channels
  int64_t last_seq = 0;
  int64_t last_activity_ms = 0;  // 0: no message yet
  int64_t created_at_ms = 0;
};

struct StoreStats {
  int64_t users_active = 0;
  int64_t users_disabled = 0;
  int64_t users_deleted = 0;
  int64_t direct_conversations = 0;
  int64_t groups = 0;
  int64_t channels = 0;
  int64_t messages = 0;        // messages (not edits, deletions or reactions) in the log
  int64_t messages_since = 0;  // of those, created at or after Stats' `since_ms`
  int64_t open_reports = 0;
};

class OperatorStore {
 public:
  virtual ~OperatorStore() = default;

  // Conversations with id > `after`, ascending, at most `limit`; only those `member` belongs to
  // when it is not empty.
  virtual Result<std::vector<ConversationRow>> ListConversations(ConversationId after, int limit,
                                                                 const std::string& member) = 0;
  // Makes group member `user` an admin (kAdmin) or a plain member (kMember) and writes an audit
  // row ("group_admin_add" / "group_admin_remove", actor "operator"), raising members_version in
  // the same transaction so every broker's cached moderators reload. kNotFound: no such
  // conversation, or `user` is not a member; kFailedPrecondition: a direct conversation or a
  // channel (server roles govern those), or `user` is the owner; kAlreadyExists: the role is
  // already `role`. kInvalidArgument for kOwner.
  virtual Status SetMemberRole(ConversationId id, const std::string& user, MemberRole role,
                               int64_t now_ms) = 0;
  virtual Result<StoreStats> Stats(int64_t since_ms) = 0;
};

using OperatorStorePtr = std::unique_ptr<OperatorStore>;

}  // namespace mqchat::store

namespace mqchat::store {

// What SetMemberRole read about the conversation and the user (inside its transaction).
struct RoleTarget {
  bool conversation_exists = false;
  int64_t kind = 0;  // ConversationKind
  bool channel = false;
  bool member = false;
  int64_t role = 0;  // MemberRole, when a member
};
// The rules of SetMemberRole, once for both backends: OK when the change may be made.
Status CheckRoleChange(const RoleTarget& target, ConversationId id, const std::string& user,
                       MemberRole role);
// The audit action of a role change ("group_admin_add" or "group_admin_remove").
const char* RoleChangeAction(MemberRole role);

}  // namespace mqchat::store
