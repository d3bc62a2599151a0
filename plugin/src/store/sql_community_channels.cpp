// SqlCommunityStore: channels, roles and channel overrides (see sql_community_store.h).
#include <map>
#include <string>

#include "store/community_queries.h"
#include "store/community_rows.h"
#include "store/sql_community_store.h"

namespace mqchat::store {

using namespace community_sql;  // NOLINT: the statements
using community_rows::ReadChannel;
using community_rows::ReadOverride;
using community_rows::ReadRole;

namespace {

bool IsChannelType(const std::string& type) {
  return type == kChannelText || type == kChannelVoice || type == kChannelCategory;
}

}  // namespace

Result<Channel> SqlCommunityStore::CreateChannel(const std::string& actor, const Channel& channel,
                                                 int64_t now_ms) {
  if (!IsChannelType(channel.type)) {
    return Status::InvalidArgument("type must be text, voice or category");
  }
  Channel made;
  MQCHAT_RETURN_IF_ERROR(InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(channel.server_id, actor, /*lock=*/true));
    MQCHAT_RETURN_IF_ERROR(Require(a.base, community::kManageChannels, "manage channels"));
    if (channel.category_id != 0) {
      MQCHAT_ASSIGN_OR_RETURN(auto cat, sql_->Query(kChannel, {channel.category_id}));
      if (cat.empty() || ReadChannel(cat.front()).server_id != channel.server_id ||
          ReadChannel(cat.front()).type != kChannelCategory || channel.type == kChannelCategory) {
        return Status::InvalidArgument("category_id must name a category of this server");
      }
    }
    MQCHAT_ASSIGN_OR_RETURN(
        auto rows,
        sql_->Query(kInsertChannel, {channel.server_id, channel.name, channel.type, channel.topic,
                                     channel.position, channel.category_id, now_ms}));
    made = ReadChannel(rows.at(0));
    return BumpVersion(channel.server_id);
  }));
  return made;
}

Result<Channel> SqlCommunityStore::EditChannel(const std::string& actor, int64_t channel_id,
                                               const ChannelEdit& edit) {
  Channel c;
  MQCHAT_RETURN_IF_ERROR(InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(auto loaded, LoadChannel(channel_id, actor, /*lock=*/true));
    c = std::move(loaded.first);
    MQCHAT_ASSIGN_OR_RETURN(PermissionSet perms, InChannel(loaded.second, channel_id));
    MQCHAT_RETURN_IF_ERROR(Require(perms, community::kManageChannels, "manage this channel"));
    if (edit.name) c.name = *edit.name;
    if (edit.topic) c.topic = *edit.topic;
    if (edit.position) c.position = *edit.position;
    if (edit.category_id && *edit.category_id != c.category_id) {
      if (*edit.category_id != 0) {
        MQCHAT_ASSIGN_OR_RETURN(auto cat, sql_->Query(kChannel, {*edit.category_id}));
        if (cat.empty() || ReadChannel(cat.front()).server_id != c.server_id ||
            ReadChannel(cat.front()).type != kChannelCategory || c.type == kChannelCategory) {
          return Status::InvalidArgument("category_id must name a category of this server");
        }
      }
      c.category_id = *edit.category_id;
    }
    return sql_->Query(kUpdateChannel, {channel_id, c.name, c.topic, c.position, c.category_id})
        .status();
  }));
  return c;
}

Status SqlCommunityStore::DeleteChannel(const std::string& actor, int64_t channel_id) {
  return InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(auto loaded, LoadChannel(channel_id, actor, /*lock=*/true));
    MQCHAT_ASSIGN_OR_RETURN(PermissionSet perms, InChannel(loaded.second, channel_id));
    MQCHAT_RETURN_IF_ERROR(Require(perms, community::kManageChannels, "manage this channel"));
    const int64_t server_id = loaded.first.server_id;
    MQCHAT_RETURN_IF_ERROR(sql_->Query(kUncategorize, {server_id, channel_id}).status());
    MQCHAT_RETURN_IF_ERROR(sql_->Query(kDeleteChannel, {channel_id}).status());
    return BumpVersion(server_id);
  });
}

Result<int64_t> SqlCommunityStore::SetChannelSlowMode(const std::string& actor,
                                                      int64_t channel_id, int64_t seconds) {
  int64_t server_id = 0;
  MQCHAT_RETURN_IF_ERROR(InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(auto loaded, LoadChannel(channel_id, actor, /*lock=*/true));
    MQCHAT_ASSIGN_OR_RETURN(PermissionSet perms, InChannel(loaded.second, channel_id));
    // Without view_channel the channel is not theirs to know of: as for an outsider.
    if (!community::Has(perms, community::kViewChannel)) {
      return Status::Unauthenticated("not a member of the server of channel " +
                                     std::to_string(channel_id));
    }
    MQCHAT_RETURN_IF_ERROR(Require(perms, community::kManageChannels, "manage this channel"));
    if (loaded.first.type != kChannelText) {
      return Status::InvalidArgument("only a text channel has a slow mode");
    }
    server_id = loaded.first.server_id;
    MQCHAT_RETURN_IF_ERROR(sql_->Query(kSetChannelSlowMode, {channel_id, seconds}).status());
    return BumpVersion(server_id);  // the brokers' caches carry the interval: load again
  }));
  return server_id;
}

Result<std::vector<Channel>> SqlCommunityStore::ListChannels(const std::string& actor,
                                                             int64_t server_id) {
  MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(server_id, actor, /*lock=*/false));
  MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(kChannels, {server_id}));
  MQCHAT_ASSIGN_OR_RETURN(auto override_rows, sql_->Query(kServerOverrides, {server_id}));
  std::map<int64_t, std::vector<community::ChannelOverride>> overrides;
  for (const SqlRow& r : override_rows) overrides[r.Int(0)].push_back(ReadOverride(r, 1));
  MQCHAT_ASSIGN_OR_RETURN(auto read_rows, sql_->Query(kChannelReadStates, {server_id, actor}));
  std::map<int64_t, ChannelReadState> reads;
  for (const SqlRow& r : read_rows) {
    reads[r.Int(0)] = ChannelReadState{r.Int(1), r.Int(2), r.Int(3), r.Int(4)};
  }
  std::vector<Channel> out;
  for (const SqlRow& r : rows) {
    Channel c = ReadChannel(r);
    const PermissionSet perms = community::ChannelPermissions(a.roles, a.member, overrides[c.id]);
    if (!community::Has(perms, community::kViewChannel)) continue;
    auto read = reads.find(c.id);
    if (read != reads.end()) c.read = read->second;
    out.push_back(std::move(c));
  }
  return out;
}

Result<Role> SqlCommunityStore::CreateRole(const std::string& actor, int64_t server_id,
                                           const std::string& name, PermissionSet permissions) {
  Role made;
  MQCHAT_RETURN_IF_ERROR(InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(server_id, actor, /*lock=*/true));
    MQCHAT_RETURN_IF_ERROR(Require(a.base, community::kManageRoles, "manage roles"));
    MQCHAT_RETURN_IF_ERROR(RequireGrantable(a, permissions));
    MQCHAT_ASSIGN_OR_RETURN(
        auto rows, sql_->Query(kInsertRole, {server_id, name, static_cast<int64_t>(permissions)}));
    made = ReadRole(rows.at(0));
    return Status::Ok();  // no one holds it yet: permissions unchanged
  }));
  return made;
}

Result<Role> SqlCommunityStore::EditRole(const std::string& actor, int64_t role_id,
                                         const std::optional<std::string>& name,
                                         const std::optional<PermissionSet>& permissions) {
  Role role;
  MQCHAT_RETURN_IF_ERROR(InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(kRole, {role_id}));
    if (rows.empty()) return Status::NotFound("no role " + std::to_string(role_id));
    role = ReadRole(rows.front());
    MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(role.server_id, actor, /*lock=*/true));
    MQCHAT_RETURN_IF_ERROR(Require(a.base, community::kManageRoles, "manage roles"));
    // Both the flags taken away and those given must be the actor's to give.
    MQCHAT_RETURN_IF_ERROR(RequireGrantable(a, role.permissions));
    if (name) {
      if (role.id == a.server.everyone_role_id) {
        return Status::InvalidArgument("@everyone cannot be renamed");
      }
      role.name = *name;
    }
    if (permissions) {
      MQCHAT_RETURN_IF_ERROR(RequireGrantable(a, *permissions));
      role.permissions = *permissions;
    }
    MQCHAT_RETURN_IF_ERROR(
        sql_->Query(kUpdateRole, {role_id, role.name, static_cast<int64_t>(role.permissions)})
            .status());
    return BumpVersion(role.server_id);
  }));
  return role;
}

Status SqlCommunityStore::AssignRole(const std::string& actor, int64_t role_id,
                                     const std::string& user, bool assign) {
  return InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(kRole, {role_id}));
    if (rows.empty()) return Status::NotFound("no role " + std::to_string(role_id));
    const Role role = ReadRole(rows.front());
    MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(role.server_id, actor, /*lock=*/true));
    MQCHAT_RETURN_IF_ERROR(Require(a.base, community::kManageRoles, "manage roles"));
    MQCHAT_RETURN_IF_ERROR(RequireGrantable(a, role.permissions));
    if (role.id == a.server.everyone_role_id) {
      return Status::InvalidArgument("every member has @everyone");
    }
    MQCHAT_ASSIGN_OR_RETURN(auto member, sql_->Query(kIsMember, {role.server_id, user}));
    if (member.empty()) return Status::NotFound(user + " is not a member");
    MQCHAT_RETURN_IF_ERROR(
        sql_->Query(assign ? kAssignRole : kUnassignRole, {role.server_id, user, role_id})
            .status());
    return BumpVersion(role.server_id);
  });
}

Result<std::vector<Role>> SqlCommunityStore::ListRoles(const std::string& actor,
                                                       int64_t server_id) {
  MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(server_id, actor, /*lock=*/false));
  MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(kRoles, {server_id}));
  std::vector<Role> out;
  for (const SqlRow& r : rows) out.push_back(ReadRole(r));
  return out;
}

Status SqlCommunityStore::SetOverride(const std::string& actor, int64_t channel_id,
                                      const community::ChannelOverride& o) {
  return InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(auto loaded, LoadChannel(channel_id, actor, /*lock=*/true));
    const Actor& a = loaded.second;
    const int64_t server_id = loaded.first.server_id;
    MQCHAT_RETURN_IF_ERROR(Require(a.base, community::kManageRoles, "manage permissions"));
    MQCHAT_RETURN_IF_ERROR(RequireGrantable(a, o.allow | o.deny));
    const bool member_target = o.target == community::OverrideTarget::kMember;
    if (member_target) {
      MQCHAT_ASSIGN_OR_RETURN(auto member, sql_->Query(kIsMember, {server_id, o.username}));
      if (member.empty()) return Status::NotFound(o.username + " is not a member");
    } else {
      MQCHAT_ASSIGN_OR_RETURN(auto role, sql_->Query(kRole, {o.role_id}));
      if (role.empty() || ReadRole(role.front()).server_id != server_id) {
        return Status::NotFound("no role " + std::to_string(o.role_id) + " in this server");
      }
    }
    const int64_t role_id = member_target ? 0 : o.role_id;
    const std::string username = member_target ? o.username : std::string();
    const bool remove = o.allow == 0 && o.deny == 0;
    MQCHAT_RETURN_IF_ERROR((remove ? sql_->Query(kDeleteOverride, {channel_id, role_id, username})
                                   : sql_->Query(kUpsertOverride, {channel_id, role_id, username,
                                                                   static_cast<int64_t>(o.allow),
                                                                   static_cast<int64_t>(o.deny)}))
                               .status());
    return BumpVersion(server_id);
  });
}

}  // namespace mqchat::store
