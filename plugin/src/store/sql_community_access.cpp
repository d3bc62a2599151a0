// SqlCommunityStore: the actor's permissions and the transaction wrapper (see
// sql_community_store.h).
#include <string>

#include "store/community_queries.h"
#include "store/community_rows.h"
#include "store/sql_community_store.h"

namespace mqchat::store {

using namespace community_sql;  // NOLINT: the statements
using community_rows::ReadChannel;
using community_rows::ReadOverride;
using community_rows::ReadServer;

Status SqlCommunityStore::InTxn(const std::function<Status()>& body) {
  MQCHAT_RETURN_IF_ERROR(sql_->Begin());
  Status s = body();
  if (s.ok()) s = sql_->Commit();
  if (!s.ok()) sql_->Rollback();
  return s;
}

Result<SqlCommunityStore::Actor> SqlCommunityStore::LoadActor(int64_t server_id,
                                                              const std::string& user, bool lock) {
  const Status not_member =
      Status::Unauthenticated("not a member of server " + std::to_string(server_id));
  MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(lock ? kLockServer : kServer, {server_id}));
  if (rows.empty()) return not_member;
  Actor actor;
  actor.server = ReadServer(rows.front());
  MQCHAT_ASSIGN_OR_RETURN(auto member, sql_->Query(kIsMember, {server_id, user}));
  if (member.empty()) return not_member;
  MQCHAT_ASSIGN_OR_RETURN(auto flags, sql_->Query(kRoleFlags, {server_id}));
  actor.roles.everyone_role_id = actor.server.everyone_role_id;
  for (const SqlRow& r : flags) {
    actor.roles.roles.push_back({r.Int(0), static_cast<PermissionSet>(r.Int(1))});
  }
  MQCHAT_ASSIGN_OR_RETURN(actor.member, LoadMember(actor.server, user));
  actor.base = community::BasePermissions(actor.roles, actor.member);
  return actor;
}

Result<community::MemberRoles> SqlCommunityStore::LoadMember(const Server& server,
                                                             const std::string& user) {
  community::MemberRoles member;
  member.username = user;
  member.owner = server.owner == user;
  MQCHAT_ASSIGN_OR_RETURN(auto ids, sql_->Query(kRoleIdsOfMember, {server.id, user}));
  for (const SqlRow& r : ids) member.role_ids.push_back(r.Int(0));
  return member;
}

Result<std::pair<Channel, SqlCommunityStore::Actor>> SqlCommunityStore::LoadChannel(
    int64_t channel_id, const std::string& user, bool lock) {
  MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(kChannel, {channel_id}));
  // No such channel answers like a channel of a server one is not in: nothing is learnt.
  if (rows.empty()) {
    return Status::Unauthenticated("not a member of the server of channel " +
                                   std::to_string(channel_id));
  }
  Channel channel = ReadChannel(rows.front());
  MQCHAT_ASSIGN_OR_RETURN(Actor actor, LoadActor(channel.server_id, user, lock));
  return std::make_pair(std::move(channel), std::move(actor));
}

Result<std::vector<community::ChannelOverride>> SqlCommunityStore::Overrides(int64_t channel_id) {
  MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(kOverrides, {channel_id}));
  std::vector<community::ChannelOverride> out;
  for (const SqlRow& r : rows) out.push_back(ReadOverride(r));
  return out;
}

Result<PermissionSet> SqlCommunityStore::InChannel(const Actor& actor, int64_t channel_id) {
  if (actor.is_admin()) return community::kAllPermissions;
  MQCHAT_ASSIGN_OR_RETURN(auto overrides, Overrides(channel_id));
  return community::ChannelPermissions(actor.roles, actor.member, overrides);
}

Status SqlCommunityStore::Require(PermissionSet have, PermissionSet wanted, const char* what) {
  if (community::Has(have, wanted)) return Status::Ok();
  return Status::PermissionDenied(std::string("you may not ") + what);
}

Status SqlCommunityStore::RequireGrantable(const Actor& actor, PermissionSet flags) {
  if (actor.is_admin()) return Status::Ok();
  if ((flags & ~actor.base) != 0) {
    return Status::PermissionDenied("you may grant or deny only permissions you hold");
  }
  return Status::Ok();
}

Status SqlCommunityStore::BumpVersion(int64_t server_id) {
  return sql_->Query(kBumpVersion, {server_id}).status();
}

Result<ChannelAccess> SqlCommunityStore::GetChannelAccess(const std::string& user,
                                                          int64_t channel_id) {
  MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(kChannel, {channel_id}));
  if (rows.empty()) return Status::NotFound("no channel " + std::to_string(channel_id));
  ChannelAccess access;
  access.channel_id = channel_id;
  access.server_id = ReadChannel(rows.front()).server_id;
  auto actor = LoadActor(access.server_id, user, /*lock=*/false);
  if (!actor.ok()) {
    if (actor.status().code() != Code::kUnauthenticated) return actor.status();
    MQCHAT_ASSIGN_OR_RETURN(auto server, sql_->Query(kServer, {access.server_id}));
    if (!server.empty()) access.perm_version = ReadServer(server.front()).perm_version;
    return access;  // not a member: nothing
  }
  access.perm_version = actor->server.perm_version;
  MQCHAT_ASSIGN_OR_RETURN(access.permissions, InChannel(*actor, channel_id));
  return access;
}

}  // namespace mqchat::store
