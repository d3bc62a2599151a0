// SqlCommunityStore: servers, members, invites and bans (see sql_community_store.h).
#include <map>
#include <string>

#include "store/community_queries.h"
#include "store/community_rows.h"
#include "store/sql_community_store.h"

namespace mqchat::store {

using namespace community_sql;  // NOLINT: the statements
using community_rows::ReadInvite;
using community_rows::ReadServer;

Result<Server> SqlCommunityStore::CreateServer(const std::string& owner, const std::string& name,
                                               int64_t now_ms) {
  int64_t id = 0;
  Status s = InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(kInsertServer, {name, owner, now_ms}));
    id = rows.at(0).Int(0);
    MQCHAT_ASSIGN_OR_RETURN(
        auto role,
        sql_->Query(kInsertEveryoneRole, {id, static_cast<int64_t>(community::kDefaultEveryone)}));
    MQCHAT_RETURN_IF_ERROR(sql_->Query(kSetEveryone, {id, role.at(0).Int(0)}).status());
    MQCHAT_RETURN_IF_ERROR(sql_->Query(kInsertMember, {id, owner, now_ms}).status());
    MQCHAT_RETURN_IF_ERROR(sql_->Query(kAddMemberCount, {id, int64_t{1}}).status());
    return sql_
        ->Query(kInsertChannel, {id, std::string("general"), std::string(kChannelText),
                                 std::string(), int64_t{0}, int64_t{0}, now_ms})
        .status();
  });
  MQCHAT_RETURN_IF_ERROR(s);
  return GetServer(owner, id);
}

Result<Server> SqlCommunityStore::RenameServer(const std::string& actor, int64_t server_id,
                                               const std::string& name) {
  MQCHAT_RETURN_IF_ERROR(InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(server_id, actor, /*lock=*/true));
    if (!a.member.owner) return Status::PermissionDenied("only the owner may rename the server");
    return sql_->Query(kRenameServer, {server_id, name}).status();
  }));
  return GetServer(actor, server_id);
}

Status SqlCommunityStore::DeleteServer(const std::string& actor, int64_t server_id) {
  return InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(server_id, actor, /*lock=*/true));
    if (!a.member.owner) return Status::PermissionDenied("only the owner may delete the server");
    return sql_->Query(kDeleteServer, {server_id}).status();
  });
}

Result<Server> SqlCommunityStore::GetServer(const std::string& actor, int64_t server_id) {
  MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(server_id, actor, /*lock=*/false));
  return a.server;
}

Result<std::vector<Server>> SqlCommunityStore::ListServers(const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(kServersOfUser, {user}));
  std::vector<Server> out;
  for (const SqlRow& r : rows) out.push_back(ReadServer(r));
  return out;
}

Result<std::vector<ServerMember>> SqlCommunityStore::ListMembers(const std::string& actor,
                                                                 int64_t server_id,
                                                                 const std::string& after,
                                                                 int limit) {
  MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(server_id, actor, /*lock=*/false));
  MQCHAT_ASSIGN_OR_RETURN(auto names,
                          sql_->Query(kMembersPage, {server_id, after, int64_t{limit}}));
  std::vector<ServerMember> out;
  if (names.empty()) return out;
  std::map<std::string, size_t> index;
  for (const SqlRow& r : names) {
    index[r.Text(0)] = out.size();
    out.push_back({r.Text(0), r.Text(0) == a.server.owner, {}});
  }
  MQCHAT_ASSIGN_OR_RETURN(
      auto roles,
      sql_->Query(kMemberRolesRange, {server_id, out.front().username, out.back().username}));
  for (const SqlRow& r : roles) {
    auto it = index.find(r.Text(0));
    if (it != index.end()) out[it->second].role_ids.push_back(r.Int(1));
  }
  return out;
}

Result<Invite> SqlCommunityStore::CreateInvite(const std::string& actor, const Invite& invite,
                                               int64_t now_ms) {
  Invite made;
  MQCHAT_RETURN_IF_ERROR(InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(invite.server_id, actor, /*lock=*/true));
    MQCHAT_RETURN_IF_ERROR(Require(a.base, community::kCreateInvite, "create invites"));
    MQCHAT_ASSIGN_OR_RETURN(
        auto rows, sql_->Query(kInsertInvite, {invite.code, invite.server_id, actor,
                                               invite.expires_at_ms, invite.max_uses, now_ms}));
    made = ReadInvite(rows.at(0));
    return Status::Ok();
  }));
  return made;
}

Result<Server> SqlCommunityStore::JoinByInvite(const std::string& user, const std::string& code,
                                               int64_t now_ms) {
  int64_t server_id = 0;
  MQCHAT_RETURN_IF_ERROR(InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(kInvite, {code}));
    if (rows.empty()) return Status::NotFound("no invite " + code);
    const Invite invite = ReadInvite(rows.front());
    server_id = invite.server_id;
    MQCHAT_ASSIGN_OR_RETURN(auto server, sql_->Query(kLockServer, {server_id}));
    if (server.empty()) return Status::NotFound("no invite " + code);
    MQCHAT_ASSIGN_OR_RETURN(auto member, sql_->Query(kIsMember, {server_id, user}));
    if (!member.empty()) return Status::Ok();  // in already: no use spent
    MQCHAT_ASSIGN_OR_RETURN(auto banned, sql_->Query(kIsBanned, {server_id, user}));
    if (!banned.empty()) return Status::FailedPrecondition("you are banned from this server");
    if (ReadServer(server.front()).member_count >= limits_.max_server_members) {
      return Status::ResourceExhausted(
          "the server has " + std::to_string(limits_.max_server_members) + " members, its maximum");
    }
    MQCHAT_ASSIGN_OR_RETURN(auto used, sql_->Query(kUseInvite, {code, now_ms}));
    if (used.empty()) {
      const bool expired = invite.expires_at_ms != 0 && invite.expires_at_ms <= now_ms;
      return Status::FailedPrecondition(expired ? "the invite has expired"
                                                : "the invite has been used up");
    }
    MQCHAT_RETURN_IF_ERROR(sql_->Query(kInsertMember, {server_id, user, now_ms}).status());
    return sql_->Query(kAddMemberCount, {server_id, int64_t{1}}).status();
  }));
  return GetServer(user, server_id);
}

Status SqlCommunityStore::Leave(const std::string& user, int64_t server_id) {
  return InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(server_id, user, /*lock=*/true));
    if (a.member.owner) {
      return Status::FailedPrecondition("the owner cannot leave; delete the server instead");
    }
    MQCHAT_RETURN_IF_ERROR(sql_->Query(kDeleteMember, {server_id, user}).status());
    return sql_->Query(kAddMemberCount, {server_id, int64_t{-1}}).status();
  });
}

Status SqlCommunityStore::Kick(const std::string& actor, int64_t server_id,
                               const std::string& user) {
  return InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(server_id, actor, /*lock=*/true));
    MQCHAT_RETURN_IF_ERROR(Require(a.base, community::kKickMembers, "kick members"));
    MQCHAT_ASSIGN_OR_RETURN(auto member, sql_->Query(kIsMember, {server_id, user}));
    if (member.empty()) return Status::NotFound(user + " is not a member");
    MQCHAT_ASSIGN_OR_RETURN(auto target, LoadMember(a.server, user));
    const PermissionSet target_base = community::BasePermissions(a.roles, target);
    if (target.owner || user == actor) return Status::FailedPrecondition("you cannot kick " + user);
    if (community::Has(target_base, community::kAdministrator) && !a.member.owner) {
      return Status::PermissionDenied("only the owner may kick an administrator");
    }
    MQCHAT_RETURN_IF_ERROR(sql_->Query(kDeleteMember, {server_id, user}).status());
    return sql_->Query(kAddMemberCount, {server_id, int64_t{-1}}).status();
  });
}

Status SqlCommunityStore::Ban(const std::string& actor, int64_t server_id, const std::string& user,
                              int64_t now_ms) {
  return InTxn([&]() -> Status {
    MQCHAT_ASSIGN_OR_RETURN(Actor a, LoadActor(server_id, actor, /*lock=*/true));
    MQCHAT_RETURN_IF_ERROR(Require(a.base, community::kBanMembers, "ban members"));
    MQCHAT_ASSIGN_OR_RETURN(auto target, LoadMember(a.server, user));
    if (target.owner || user == actor) return Status::FailedPrecondition("you cannot ban " + user);
    if (community::Has(community::BasePermissions(a.roles, target), community::kAdministrator) &&
        !a.member.owner) {
      return Status::PermissionDenied("only the owner may ban an administrator");
    }
    MQCHAT_RETURN_IF_ERROR(sql_->Query(kInsertBan, {server_id, user, actor, now_ms}).status());
    MQCHAT_ASSIGN_OR_RETURN(auto removed, sql_->Query(kDeleteMember, {server_id, user}));
    if (removed.empty()) return BumpVersion(server_id);
    return sql_->Query(kAddMemberCount, {server_id, int64_t{-1}}).status();
  });
}

}  // namespace mqchat::store
