// Rules both ChatStore backends share (store/chat_store.h): the direct-conversation key, member
// list cleanup, the history limit, and the wording of the errors they return. Pure; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/chat_store.h"

namespace mqchat::store {

constexpr int kMinHistoryLimit = 1;
constexpr int kMaxHistoryLimit = 1000;

// Members are listed owner first, then admins, then members; each by join time, then name.
// Both backends order by this SQL fragment's meaning: role DESC, joined_at_ms, username.

// The direct_key of users a and b: both names sorted byte-wise, joined by '\n'.
std::string DirectKey(const std::string& a, const std::string& b);

// `users` without repeats, first occurrence kept, order otherwise unchanged.
std::vector<std::string> Deduplicated(const std::vector<std::string>& users);

// `limit` clamped to kMinHistoryLimit..kMaxHistoryLimit.
int ClampHistoryLimit(int limit);

// kResourceExhausted: "group would have 101 members; the limit is 100".
Status GroupFull(int64_t would_have, int max_members);
// kNotFound naming every user in `missing` (which must not be empty).
Status NoSuchUsers(const std::vector<std::string>& missing);
Status NoSuchConversation(ConversationId id);

// Column values to enums; kInternal for a value the schema's CHECK should have refused.
Result<ConversationKind> KindFromColumn(int64_t value);
Result<MemberRole> RoleFromColumn(int64_t value);

// What a backend read about a conversation, under its row lock, before changing its members
// or name. A role is empty when that user is not a member.
struct ConversationAccess {
  ConversationId id = 0;
  ConversationKind kind = ConversationKind::kGroup;
  int64_t member_count = 0;
  std::optional<MemberRole> actor_role;
  std::optional<MemberRole> target_role;  // RemoveMember only
};

// AddMembers: groups only, and only their owner or admins (kPermissionDenied otherwise).
Status CheckMayAddMembers(const ConversationAccess& access);
// RemoveMember (see ChatStore::RemoveMember for the rules).
Status CheckMayRemoveMember(const ConversationAccess& access, const std::string& actor,
                            const std::string& user);
// RenameGroup: groups only (kInvalidArgument), owner or admin (kPermissionDenied).
Status CheckMayRename(const ConversationAccess& access);

}  // namespace mqchat::store
