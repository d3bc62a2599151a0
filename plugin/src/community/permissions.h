// Permission resolution of communities (issue 18): which permission flags a member of a
// server holds, on the server and in one channel. Pure: no store, no threads, no broker; the
// callers (the community ops on the store worker, the channel ACL cache) gather the rows and
// ask here. The order is the one Discord documents for its guilds:
//   1. the server's owner holds every permission;
//   2. base = the @everyone role's flags OR the flags of every role the member has;
//      administrator in base means every permission (channel overrides do not apply);
//   3. in a channel: the @everyone override (deny, then allow), then the overrides of the
//      member's roles combined (all their denies, then all their allows), then the member's
//      own override (deny, then allow);
//   4. without view_channel in a channel, the member holds nothing else there either.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mqchat::community {

using PermissionSet = uint64_t;

// The flags, as stored (roles.permissions, channel_overrides.allow/deny) and sent on the wire.
// Values are part of the schema and the protocol: never renumber.
enum Permission : PermissionSet {
  kViewChannel = 1u << 0,
  kSendMessages = 1u << 1,
  kManageMessages = 1u << 2,
  kManageChannels = 1u << 3,
  kManageRoles = 1u << 4,
  kKickMembers = 1u << 5,
  kBanMembers = 1u << 6,
  kCreateInvite = 1u << 7,
  kAdministrator = 1u << 8,
};

// Every flag above.
inline constexpr PermissionSet kAllPermissions = (PermissionSet{1} << 9) - 1;
// What a new server's @everyone role holds.
inline constexpr PermissionSet kDefaultEveryone = kViewChannel | kSendMessages | kCreateInvite;

// True if `set` holds every flag of `wanted`.
inline bool Has(PermissionSet set, PermissionSet wanted) { return (set & wanted) == wanted; }

// A flag's wire name ("view_channel", ...) and back; nullptr / 0 when unknown.
const char* PermissionName(Permission p);
PermissionSet PermissionByName(std::string_view name);

// The role of an override: @everyone, another role, or one member.
enum class OverrideTarget { kRole, kMember };

struct ChannelOverride {
  OverrideTarget target = OverrideTarget::kRole;
  int64_t role_id = 0;   // with kRole (the @everyone role's id for the @everyone override)
  std::string username;  // with kMember
  PermissionSet allow = 0;
  PermissionSet deny = 0;
};

struct MemberRoles {
  std::string username;
  bool owner = false;
  // The ids of the member's roles, without @everyone (every member has it).
  std::vector<int64_t> role_ids;
};

struct ServerRoleFlags {
  int64_t role_id = 0;
  PermissionSet permissions = 0;
};

struct ServerRoles {
  int64_t everyone_role_id = 0;
  // Every role of the server, @everyone included; a member's role missing here grants nothing.
  std::vector<ServerRoleFlags> roles;
};

// Step 1 and 2 above: the member's permissions on the server as a whole.
PermissionSet BasePermissions(const ServerRoles& server, const MemberRoles& member);

// Steps 1 to 4: the member's permissions in a channel with `overrides` (every override of the
// channel; those for other roles and members are ignored).
PermissionSet ChannelPermissions(const ServerRoles& server, const MemberRoles& member,
                                 const std::vector<ChannelOverride>& overrides);

}  // namespace mqchat::community
