// SqlCommunityStore: the CommunityStore (store/community_store.h), written once over a
// backend's CommunitySql (SQLite or PostgreSQL runner). Every mutation is one transaction that
// locks the server row, loads the actor's roles and the overrides it needs, decides with
// community/permissions.h, and changes the rows; a change that can alter anyone's permissions
// raises servers.perm_version in the same transaction. Confined to one thread.
//
// Split by concept: sql_community_access.cpp (the actor's permissions, transactions),
// sql_community_servers.cpp (servers, members, invites, bans), sql_community_channels.cpp
// (channels, roles, overrides).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "store/community_sql.h"
#include "store/community_store.h"

namespace mqchat::store {

struct CommunityLimits {
  int64_t max_server_members = 100000;
};

class SqlCommunityStore final : public CommunityStore {
 public:
  SqlCommunityStore(CommunitySqlPtr sql, CommunityLimits limits)
      : sql_(std::move(sql)), limits_(limits) {}

  // Servers, members, invites, bans (sql_community_servers.cpp).
  Result<Server> CreateServer(const std::string& owner, const std::string& name,
                              int64_t now_ms) override;
  Result<Server> RenameServer(const std::string& actor, int64_t server_id,
                              const std::string& name) override;
  Status DeleteServer(const std::string& actor, int64_t server_id) override;
  Result<Server> GetServer(const std::string& actor, int64_t server_id) override;
  Result<std::vector<Server>> ListServers(const std::string& user) override;
  Result<std::vector<ServerMember>> ListMembers(const std::string& actor, int64_t server_id,
                                                const std::string& after, int limit) override;
  Result<Invite> CreateInvite(const std::string& actor, const Invite& invite,
                              int64_t now_ms) override;
  Result<Server> JoinByInvite(const std::string& user, const std::string& code,
                              int64_t now_ms) override;
  Status Leave(const std::string& user, int64_t server_id) override;
  Status Kick(const std::string& actor, int64_t server_id, const std::string& user) override;
  Status Ban(const std::string& actor, int64_t server_id, const std::string& user,
             int64_t now_ms) override;

  // Channels, roles, overrides (sql_community_channels.cpp).
  Result<Channel> CreateChannel(const std::string& actor, const Channel& channel,
                                int64_t now_ms) override;
  Result<Channel> EditChannel(const std::string& actor, int64_t channel_id,
                              const ChannelEdit& edit) override;
  Status DeleteChannel(const std::string& actor, int64_t channel_id) override;
  Result<std::vector<Channel>> ListChannels(const std::string& actor, int64_t server_id) override;
  Result<int64_t> SetChannelSlowMode(const std::string& actor, int64_t channel_id,
                                     int64_t seconds) override;
  Result<Role> CreateRole(const std::string& actor, int64_t server_id, const std::string& name,
                          PermissionSet permissions) override;
  Result<Role> EditRole(const std::string& actor, int64_t role_id,
                        const std::optional<std::string>& name,
                        const std::optional<PermissionSet>& permissions) override;
  Status AssignRole(const std::string& actor, int64_t role_id, const std::string& user,
                    bool assign) override;
  Result<std::vector<Role>> ListRoles(const std::string& actor, int64_t server_id) override;
  Status SetOverride(const std::string& actor, int64_t channel_id,
                     const community::ChannelOverride& o) override;
  Result<ChannelAccess> GetChannelAccess(const std::string& user, int64_t channel_id) override;
  // Channel delivery (sql_community_views.cpp).
  Result<std::vector<ChannelAccess>> ChannelViews(const std::string& user) override;
  Result<int64_t> ServerOf(int64_t channel_id, int64_t role_id) override;

 private:
  // A member of a server as the permission checks see them (sql_community_access.cpp).
  struct Actor {
    Server server;
    community::ServerRoles roles;
    community::MemberRoles member;
    PermissionSet base = 0;
    bool is_admin() const { return community::Has(base, community::kAdministrator); }
  };

  // Loads `user` in `server_id`, locking the server row first if `lock`. kUnauthenticated if
  // there is no such server or `user` is not in it.
  Result<Actor> LoadActor(int64_t server_id, const std::string& user, bool lock);
  // `user`'s roles in `actor.server` (not the actor), as the resolver takes them.
  Result<community::MemberRoles> LoadMember(const Server& server, const std::string& user);
  // The channel, and the actor of its server. kUnauthenticated for no such channel too.
  Result<std::pair<Channel, Actor>> LoadChannel(int64_t channel_id, const std::string& user,
                                                bool lock);
  Result<std::vector<community::ChannelOverride>> Overrides(int64_t channel_id);
  // The actor's permissions in `channel`.
  Result<PermissionSet> InChannel(const Actor& actor, int64_t channel_id);
  // kPermissionDenied unless the actor holds `wanted` in `have`.
  static Status Require(PermissionSet have, PermissionSet wanted, const char* what);
  // kPermissionDenied unless the actor may grant (or deny, or assign a role with) `flags`.
  static Status RequireGrantable(const Actor& actor, PermissionSet flags);
  Status BumpVersion(int64_t server_id);

  // Runs `body` in one write transaction: committed if it succeeded, rolled back otherwise.
  Status InTxn(const std::function<Status()>& body);

  CommunitySqlPtr sql_;
  const CommunityLimits limits_;
};

}  // namespace mqchat::store
