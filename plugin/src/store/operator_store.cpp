#include "store/operator_store.h"

namespace mqchat::store {

Status CheckRoleChange(const RoleTarget& target, ConversationId id, const std::string& user,
                       MemberRole role) {
  if (role != MemberRole::kAdmin && role != MemberRole::kMember) {
    return Status::InvalidArgument("a member becomes an admin or a member; ownership does not move");
  }
  const std::string conv = "conversation " + std::to_string(id);
  if (!target.conversation_exists) return Status::NotFound("no " + conv);
  if (target.kind == static_cast<int64_t>(ConversationKind::kDirect)) {
    return Status::FailedPrecondition(conv + " is a direct conversation: it has no admins");
  }
  if (target.channel) {
    return Status::FailedPrecondition(conv + " is a channel: its server's roles govern it");
  }
  if (!target.member) return Status::NotFound(user + " is not a member of " + conv);
  if (target.role == static_cast<int64_t>(MemberRole::kOwner)) {
    return Status::FailedPrecondition(user + " owns " + conv + ": the owner's role cannot change");
  }
  if (target.role == static_cast<int64_t>(role)) {
    return Status::AlreadyExists(user + " is already " +
                                 (role == MemberRole::kAdmin ? "an admin" : "a plain member") +
                                 " of " + conv);
  }
  return Status::Ok();
}

const char* RoleChangeAction(MemberRole role) {
  return role == MemberRole::kAdmin ? "group_admin_add" : "group_admin_remove";
}

}  // namespace mqchat::store
