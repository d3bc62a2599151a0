// Rows of the community store's statements (community_queries.h) into its structs. Internal
// to sql_community_*.cpp.
#pragma once

#include "store/community_sql.h"
#include "store/community_store.h"

namespace mqchat::store::community_rows {

inline Server ReadServer(const SqlRow& r) {
  Server s;
  s.id = r.Int(0);
  s.name = r.Text(1);
  s.owner = r.Text(2);
  s.everyone_role_id = r.Int(3);
  s.member_count = r.Int(4);
  s.perm_version = r.Int(5);
  s.created_at_ms = r.Int(6);
  return s;
}

inline Channel ReadChannel(const SqlRow& r) {
  Channel c;
  c.id = r.Int(0);
  c.server_id = r.Int(1);
  c.name = r.Text(2);
  c.type = r.Text(3);
  c.topic = r.Text(4);
  c.position = r.Int(5);
  c.category_id = r.Int(6);
  c.slow_mode_s = r.Int(7);
  return c;
}

inline Role ReadRole(const SqlRow& r) {
  Role role;
  role.id = r.Int(0);
  role.server_id = r.Int(1);
  role.name = r.Text(2);
  role.permissions = static_cast<PermissionSet>(r.Int(3));
  role.position = r.Int(4);
  return role;
}

inline Invite ReadInvite(const SqlRow& r) {
  Invite i;
  i.code = r.Text(0);
  i.server_id = r.Int(1);
  i.creator = r.Text(2);
  i.expires_at_ms = r.Int(3);
  i.max_uses = r.Int(4);
  i.uses = r.Int(5);
  return i;
}

// role_id, username, allow, deny (offset by `first` columns).
inline community::ChannelOverride ReadOverride(const SqlRow& r, size_t first = 0) {
  community::ChannelOverride o;
  o.role_id = r.Int(first);
  o.username = r.Text(first + 1);
  o.target =
      o.username.empty() ? community::OverrideTarget::kRole : community::OverrideTarget::kMember;
  o.allow = static_cast<PermissionSet>(r.Int(first + 2));
  o.deny = static_cast<PermissionSet>(r.Int(first + 3));
  return o;
}

}  // namespace mqchat::store::community_rows
