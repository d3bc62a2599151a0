#include "store/chat_rules.h"

#include <algorithm>
#include <unordered_set>

namespace mqchat::store {

std::string DirectKey(const std::string& a, const std::string& b) {
  // std::string compares bytes as unsigned char, the order of COLLATE "C" and of SQLite.
  const bool a_first = a < b;
  return (a_first ? a : b) + '\n' + (a_first ? b : a);
}

std::vector<std::string> Deduplicated(const std::vector<std::string>& users) {
  std::vector<std::string> out;
  std::unordered_set<std::string> seen;
  for (const std::string& user : users) {
    if (seen.insert(user).second) {
      out.push_back(user);
    }
  }
  return out;
}

int ClampHistoryLimit(int limit) { return std::clamp(limit, kMinHistoryLimit, kMaxHistoryLimit); }

Status GroupFull(int64_t would_have, int max_members) {
  return Status::ResourceExhausted("group would have " + std::to_string(would_have) +
                                   " members; the limit is " + std::to_string(max_members));
}

Status NoSuchUsers(const std::vector<std::string>& missing) {
  std::string msg = missing.size() == 1 ? "no such user: " : "no such users: ";
  for (size_t i = 0; i < missing.size(); ++i) {
    msg += (i == 0 ? "" : ", ") + missing[i];
  }
  return Status::NotFound(std::move(msg));
}

Status NoSuchConversation(ConversationId id) {
  return Status::NotFound("no such conversation: " + std::to_string(id));
}

Result<ConversationKind> KindFromColumn(int64_t value) {
  if (value != static_cast<int64_t>(ConversationKind::kDirect) &&
      value != static_cast<int64_t>(ConversationKind::kGroup)) {
    return Status::Internal("unknown conversation kind " + std::to_string(value));
  }
  return static_cast<ConversationKind>(value);
}

Result<MemberRole> RoleFromColumn(int64_t value) {
  if (value < static_cast<int64_t>(MemberRole::kMember) ||
      value > static_cast<int64_t>(MemberRole::kOwner)) {
    return Status::Internal("unknown member role " + std::to_string(value));
  }
  return static_cast<MemberRole>(value);
}

namespace {

bool IsManager(const std::optional<MemberRole>& role) {
  return role.has_value() && (*role == MemberRole::kOwner || *role == MemberRole::kAdmin);
}

std::string Subject(const ConversationAccess& access) {
  return "conversation " + std::to_string(access.id);
}

}  // namespace

Status CheckMayAddMembers(const ConversationAccess& access) {
  if (access.kind == ConversationKind::kDirect) {
    return Status::PermissionDenied(Subject(access) +
                                    " is a direct conversation; its members are fixed");
  }
  if (!IsManager(access.actor_role)) {
    return Status::PermissionDenied("only the owner or an admin may add members to " +
                                    Subject(access));
  }
  return Status::Ok();
}

Status CheckMayRemoveMember(const ConversationAccess& access, const std::string& actor,
                            const std::string& user) {
  if (access.kind == ConversationKind::kDirect) {
    return Status::FailedPrecondition(Subject(access) +
                                      " is a direct conversation; its members are fixed");
  }
  const bool leaving = actor == user;
  if (!leaving && !IsManager(access.actor_role)) {
    return Status::PermissionDenied("only the owner or an admin may remove members from " +
                                    Subject(access));
  }
  if (!access.target_role.has_value()) {
    return Status::NotFound(user + " is not a member of " + Subject(access));
  }
  if (!leaving && *access.target_role == MemberRole::kOwner) {
    return Status::PermissionDenied("the owner of " + Subject(access) +
                                    " cannot be removed; the owner may leave");
  }
  return Status::Ok();
}

Status CheckMayRename(const ConversationAccess& access) {
  if (access.kind == ConversationKind::kDirect) {
    return Status::InvalidArgument(Subject(access) + " is a direct conversation; it has no name");
  }
  if (!IsManager(access.actor_role)) {
    return Status::PermissionDenied("only the owner or an admin may rename " + Subject(access));
  }
  return Status::Ok();
}

}  // namespace mqchat::store
