// CommunityStore: servers (communities) with channels, roles, members, channel overrides,
// invites and bans (issue 18; migration 016), behind one interface for SQLite and PostgreSQL.
// Every mutation takes the acting user and checks, inside the same transaction as the change,
// what that user may do (community/permissions.h), so a permission revoked by one broker is in
// force for the next request on any broker sharing the database. An instance owns one database
// connection and is confined to the thread that uses it (the plugin's writer). Never the
// broker thread.
//
// Errors, the same on both backends:
//   kUnauthenticated    the actor is not a member of the server, or there is no such server
//                       (one answer, so an outsider learns nothing): NOT_MEMBER on the wire
//   kPermissionDenied   a member without the permission the change needs: FORBIDDEN
//   kNotFound           no such channel, role, member or invite in a server the actor is in
//   kInvalidArgument    a value out of range (a category inside a category, ...)
//   kFailedPrecondition the change is not allowed in the current state (an expired or used-up
//                       invite, the owner leaving, kicking the owner, joining while banned)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "community/permissions.h"
#include "mqchat/status.h"

namespace mqchat::store {

using community::PermissionSet;

struct Server {
  int64_t id = 0;
  std::string name;
  std::string owner;
  int64_t everyone_role_id = 0;
  int64_t member_count = 0;
  int64_t perm_version = 0;  // rises with every change that can change a member's permissions
  int64_t created_at_ms = 0;
};

// A channel's type as stored and on the wire.
inline constexpr char kChannelText[] = "text";
inline constexpr char kChannelVoice[] = "voice";  // reserved for calls
inline constexpr char kChannelCategory[] = "category";

// A reader's read state in a text channel (migration 024; docs/PROTOCOL.md "Channel read
// markers").
struct ChannelReadState {
  int64_t last_seq = 0;  // the channel's newest seq
  int64_t read_seq = 0;  // the reader's; 0 if they never read nor wrote there
  int64_t unread = 0;    // messages above read_seq, counted to protocol::kMaxChannelUnread
  int64_t unread_mentions = 0;
};

struct Channel {
  int64_t id = 0;
  int64_t server_id = 0;
  std::string name;
  std::string type = kChannelText;
  std::string topic;
  int64_t position = 0;
  int64_t category_id = 0;  // 0: not in a category
  int64_t slow_mode_s = 0;  // text channels: set_slow_mode (migration 026); 0 is off
  std::optional<ChannelReadState> read;  // ListChannels: the actor's, for text channels
};

// What to change in a channel: unset fields stay.
struct ChannelEdit {
  std::optional<std::string> name;
  std::optional<std::string> topic;
  std::optional<int64_t> position;
  std::optional<int64_t> category_id;
};

struct Role {
  int64_t id = 0;
  int64_t server_id = 0;
  std::string name;
  PermissionSet permissions = 0;
  int64_t position = 0;
};

struct ServerMember {
  std::string username;
  bool owner = false;
  std::vector<int64_t> role_ids;  // without @everyone
};

struct Invite {
  std::string code;
  int64_t server_id = 0;
  std::string creator;
  int64_t expires_at_ms = 0;  // 0: never
  int64_t max_uses = 0;       // 0: unlimited
  int64_t uses = 0;
};

// A user's permissions in one channel, with what they were computed from.
struct ChannelAccess {
  int64_t server_id = 0;
  int64_t channel_id = 0;
  int64_t perm_version = 0;       // the server's, when this was read
  PermissionSet permissions = 0;  // 0 for a non-member
  int64_t slow_mode_s = 0;        // the channel's (migration 026); ChannelViews only
};

class CommunityStore {
 public:
  virtual ~CommunityStore() = default;

  // Servers. CreateServer makes the server, its @everyone role (kDefaultEveryone), the owner's
  // membership and a text channel "general".
  virtual Result<Server> CreateServer(const std::string& owner, const std::string& name,
                                      int64_t now_ms) = 0;
  virtual Result<Server> RenameServer(const std::string& actor, int64_t server_id,
                                      const std::string& name) = 0;              // owner only
  virtual Status DeleteServer(const std::string& actor, int64_t server_id) = 0;  // owner only
  virtual Result<Server> GetServer(const std::string& actor, int64_t server_id) = 0;
  virtual Result<std::vector<Server>> ListServers(const std::string& user) = 0;

  // Channels (manage_channels). ListChannels returns the channels the actor may view, each
  // text channel with the actor's read state.
  virtual Result<Channel> CreateChannel(const std::string& actor, const Channel& channel,
                                        int64_t now_ms) = 0;
  virtual Result<Channel> EditChannel(const std::string& actor, int64_t channel_id,
                                      const ChannelEdit& edit) = 0;
  virtual Status DeleteChannel(const std::string& actor, int64_t channel_id) = 0;
  virtual Result<std::vector<Channel>> ListChannels(const std::string& actor,
                                                    int64_t server_id) = 0;
  // set_slow_mode of a text channel (manage_channels in it; kInvalidArgument for another type):
  // returns the channel's server. Raises the server's perm_version.
  virtual Result<int64_t> SetChannelSlowMode(const std::string& actor, int64_t channel_id,
                                             int64_t seconds) = 0;

  // Roles (manage_roles). A member who is neither owner nor administrator grants, in a role or
  // an override, only permissions they hold themselves, and assigns or removes only roles whose
  // permissions they hold; else kPermissionDenied.
  virtual Result<Role> CreateRole(const std::string& actor, int64_t server_id,
                                  const std::string& name, PermissionSet permissions) = 0;
  virtual Result<Role> EditRole(const std::string& actor, int64_t role_id,
                                const std::optional<std::string>& name,
                                const std::optional<PermissionSet>& permissions) = 0;
  virtual Status AssignRole(const std::string& actor, int64_t role_id, const std::string& user,
                            bool assign) = 0;
  virtual Result<std::vector<Role>> ListRoles(const std::string& actor, int64_t server_id) = 0;
  // Sets the override of `o.role_id` or `o.username` in `channel_id`; allow = deny = 0 removes it.
  virtual Status SetOverride(const std::string& actor, int64_t channel_id,
                             const community::ChannelOverride& o) = 0;

  // Members.
  // Members by username after `after` (exclusive; "" from the start), at most `limit`.
  virtual Result<std::vector<ServerMember>> ListMembers(const std::string& actor, int64_t server_id,
                                                        const std::string& after, int limit) = 0;
  // create_invite. `code` is chosen by the caller (random).
  virtual Result<Invite> CreateInvite(const std::string& actor, const Invite& invite,
                                      int64_t now_ms) = 0;
  // kNotFound: no such code; kFailedPrecondition: expired, used up, or the user is banned;
  // kResourceExhausted: the server has its maximum of members. Joining a server one is in
  // already answers the server and spends no use.
  virtual Result<Server> JoinByInvite(const std::string& user, const std::string& code,
                                      int64_t now_ms) = 0;
  virtual Status Leave(const std::string& user, int64_t server_id) = 0;
  virtual Status Kick(const std::string& actor, int64_t server_id, const std::string& user) = 0;
  // Bans `user` (a member or not) and removes their membership.
  virtual Status Ban(const std::string& actor, int64_t server_id, const std::string& user,
                     int64_t now_ms) = 0;

  // What `user` may do in `channel_id` now (kNotFound: no such channel).
  virtual Result<ChannelAccess> GetChannelAccess(const std::string& user, int64_t channel_id) = 0;

  // Channel delivery (sql_community_views.cpp): what `user` may do in every text channel of
  // every server they are in, for the brokers' channel access caches (each entry with the
  // server's perm_version as read first), and for each of those servers one entry with
  // channel_id 0 and the user's server-wide permissions.
  virtual Result<std::vector<ChannelAccess>> ChannelViews(const std::string& user) = 0;
  // The server of channel `channel_id` (if > 0), else of role `role_id`; kNotFound if none.
  virtual Result<int64_t> ServerOf(int64_t channel_id, int64_t role_id) = 0;
};

using CommunityStorePtr = std::unique_ptr<CommunityStore>;

}  // namespace mqchat::store
