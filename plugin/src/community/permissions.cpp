#include "community/permissions.h"

#include <algorithm>
#include <iterator>

namespace mqchat::community {
namespace {

struct NamedPermission {
  Permission flag;
  const char* name;
};

constexpr NamedPermission kNames[] = {
    {kViewChannel, "view_channel"},       {kSendMessages, "send_messages"},
    {kManageMessages, "manage_messages"}, {kManageChannels, "manage_channels"},
    {kManageRoles, "manage_roles"},       {kKickMembers, "kick_members"},
    {kBanMembers, "ban_members"},         {kCreateInvite, "create_invite"},
    {kAdministrator, "administrator"},
};

bool HasRole(const MemberRoles& member, int64_t role_id) {
  return std::find(member.role_ids.begin(), member.role_ids.end(), role_id) !=
         member.role_ids.end();
}

PermissionSet Apply(PermissionSet perms, PermissionSet allow, PermissionSet deny) {
  return (perms & ~deny) | allow;
}

}  // namespace

const char* PermissionName(Permission p) {
  for (const auto& n : kNames) {
    if (n.flag == p) return n.name;
  }
  return nullptr;
}

PermissionSet PermissionByName(std::string_view name) {
  for (const auto& n : kNames) {
    if (name == n.name) return n.flag;
  }
  return 0;
}

PermissionSet BasePermissions(const ServerRoles& server, const MemberRoles& member) {
  if (member.owner) return kAllPermissions;
  PermissionSet perms = 0;
  for (const auto& role : server.roles) {
    if (role.role_id == server.everyone_role_id || HasRole(member, role.role_id)) {
      perms |= role.permissions;
    }
  }
  if (Has(perms, kAdministrator)) return kAllPermissions;
  return perms & kAllPermissions;
}

PermissionSet ChannelPermissions(const ServerRoles& server, const MemberRoles& member,
                                 const std::vector<ChannelOverride>& overrides) {
  PermissionSet perms = BasePermissions(server, member);
  if (Has(perms, kAdministrator)) return kAllPermissions;
  // The @everyone override first, on its own.
  for (const auto& o : overrides) {
    if (o.target == OverrideTarget::kRole && o.role_id == server.everyone_role_id) {
      perms = Apply(perms, o.allow, o.deny);
    }
  }
  // The member's roles together: an allow of one role beats a deny of another.
  PermissionSet role_allow = 0;
  PermissionSet role_deny = 0;
  for (const auto& o : overrides) {
    if (o.target == OverrideTarget::kRole && o.role_id != server.everyone_role_id &&
        HasRole(member, o.role_id)) {
      role_allow |= o.allow;
      role_deny |= o.deny;
    }
  }
  perms = Apply(perms, role_allow, role_deny);
  // The member's own override last.
  for (const auto& o : overrides) {
    if (o.target == OverrideTarget::kMember && o.username == member.username) {
      perms = Apply(perms, o.allow, o.deny);
    }
  }
  // Administrator is a server-wide flag: an override cannot grant it in one channel.
  perms &= kAllPermissions & ~PermissionSet{kAdministrator};
  if (!Has(perms, kViewChannel)) return 0;
  return perms;
}

}  // namespace mqchat::community
