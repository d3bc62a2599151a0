// Communities (issue 18; docs/PROTOCOL.md "Communities"): the ops on mqchat/v1/req/<op> that
// manage servers, channels, roles, overrides, invites and membership, their request fields and
// the JSON of their results, once for the plugin, the SDK and the tools. The community ops are
// parsed here, beside (not inside) the conversation ops of requests.h: one request struct with
// optional fields, and per-op checks of which are required. Permission sets travel as the
// integer bitmask of the flags (view_channel = 1, send_messages = 2, manage_messages = 4,
// manage_channels = 8, manage_roles = 16, kick_members = 32, ban_members = 64,
// create_invite = 128, administrator = 256). Any thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/errors.h"

namespace mqchat::protocol {

enum class CommunityOp {
  kServerCreate,
  kServerRename,
  kServerDelete,
  kServers,  // the servers the user is in
  kServerLeave,
  kChannels,  // the channels of a server the user may view
  kChannelCreate,
  kChannelEdit,
  kChannelDelete,
  kRoles,
  kRoleCreate,
  kRoleEdit,
  kRoleAssign,
  kRoleUnassign,
  kOverrideSet,
  kServerMembers,
  kInviteCreate,
  kInviteJoin,
  kKick,
  kBan,
};

// The wire name ("server_create", ...), and the op of a wire name.
std::string_view CommunityOpName(CommunityOp op);
std::optional<CommunityOp> ParseCommunityOpName(std::string_view name);
// The community op a request topic (mqchat/v1/req/<op>) names, or nullopt.
std::optional<CommunityOp> CommunityOpOfTopic(std::string_view topic);
// mqchat/v1/req/<op>.
std::string CommunityRequestTopic(CommunityOp op);

inline constexpr size_t kMaxCommunityNameChars = 100;
inline constexpr size_t kMaxChannelTopicChars = 1024;
inline constexpr size_t kMaxInviteCodeBytes = 64;
inline constexpr int kMaxServerMembersPage = 1000;
inline constexpr size_t kMaxCommunityRequestBytes = 16 * 1024;

// Field names of community requests and results.
namespace community_fields {
inline constexpr char kServerId[] = "server_id";
inline constexpr char kChannelId[] = "channel_id";
inline constexpr char kRoleId[] = "role_id";
inline constexpr char kUser[] = "user";
inline constexpr char kName[] = "name";
inline constexpr char kOwner[] = "owner";
inline constexpr char kTopic[] = "topic";
inline constexpr char kType[] = "type";
inline constexpr char kPosition[] = "position";
inline constexpr char kCategoryId[] = "category_id";
inline constexpr char kPermissions[] = "permissions";
inline constexpr char kAllow[] = "allow";
inline constexpr char kDeny[] = "deny";
inline constexpr char kCode[] = "code";
inline constexpr char kExpiresInMs[] = "expires_in_ms";
inline constexpr char kExpiresAtMs[] = "expires_at_ms";
inline constexpr char kMaxUses[] = "max_uses";
inline constexpr char kUses[] = "uses";
inline constexpr char kAfter[] = "after";
inline constexpr char kLimit[] = "limit";
inline constexpr char kEveryoneRoleId[] = "everyone_role_id";
inline constexpr char kMemberCount[] = "member_count";
inline constexpr char kServer[] = "server";
inline constexpr char kServers[] = "servers";
inline constexpr char kChannel[] = "channel";
inline constexpr char kChannels[] = "channels";
inline constexpr char kRole[] = "role";
inline constexpr char kRoles[] = "roles";
inline constexpr char kMembers[] = "members";
inline constexpr char kInvite[] = "invite";
inline constexpr char kRoleIds[] = "role_ids";
}  // namespace community_fields

// Every field a community request may carry; which are required depends on the op
// (ParseCommunityRequest checks). Ids > 0 when given.
struct CommunityRequest {
  CommunityOp op = CommunityOp::kServers;
  int64_t server_id = 0;
  int64_t channel_id = 0;
  int64_t role_id = 0;  // role_*; override_set: the role the override is for (or `user`)
  std::string user;     // role_assign/unassign, kick, ban, override_set (a member override)
  std::optional<std::string> name;
  std::optional<std::string> topic;
  std::string type = "text";  // channel_create: text, voice or category
  std::optional<int64_t> position;
  std::optional<int64_t> category_id;  // 0: none
  std::optional<int64_t> permissions;
  int64_t allow = 0;
  int64_t deny = 0;
  std::string code;           // invite_join
  int64_t expires_in_ms = 0;  // invite_create: 0 never
  int64_t max_uses = 0;       // invite_create: 0 unlimited
  std::string after;          // server_members: page after this username
  int limit = 100;            // server_members: 1..1000
};

struct ParsedCommunityRequest {
  std::string op_name;
  std::string req_id;  // echoed in the response, also on error, when it could be read
  std::optional<ProtocolError> error;
  CommunityRequest request;
};

// Parses a publish on a community op's topic (CommunityOpOfTopic). Errors: TOO_LARGE (over
// kMaxCommunityRequestBytes, or JSON beyond depth 3 / 200 values), BAD_REQUEST (not a JSON
// object, a field missing or mistyped, a bad username, names and topics out of bounds,
// permissions outside the nine flags), INVALID_UTF8. Unknown fields are ignored.
ParsedCommunityRequest ParseCommunityRequest(CommunityOp op, std::string_view payload);

// The results' objects.
struct WireServer {
  int64_t id = 0;
  std::string name;
  std::string owner;
  int64_t everyone_role_id = 0;
  int64_t member_count = 0;
};
// The caller's read state in a text channel, in a `channels` result (docs/PROTOCOL.md "Channel
// read markers"; the fields named as in `conversations`: last_seq, read_seq, unread,
// unread_mentions).
struct WireChannelReadState {
  int64_t last_seq = 0;
  int64_t read_seq = 0;
  int64_t unread = 0;  // messages above read_seq, counted to kMaxChannelUnread
  int64_t unread_mentions = 0;
};
// A channel's unread count stops here (a never-read channel of a big server costs the store at
// most this many index entries).
inline constexpr int64_t kMaxChannelUnread = 1000;

struct WireChannel {
  int64_t id = 0;
  int64_t server_id = 0;
  std::string name;
  std::string type;
  std::string topic;
  int64_t position = 0;
  int64_t category_id = 0;
  std::optional<WireChannelReadState> read;  // text channels in `channels`
  int64_t slow_mode_s = 0;                   // set_slow_mode of a text channel; 0 (absent): off
};
struct WireRole {
  int64_t id = 0;
  int64_t server_id = 0;
  std::string name;
  int64_t permissions = 0;
  int64_t position = 0;
};
struct WireServerMember {
  std::string user;
  bool owner = false;
  std::vector<int64_t> role_ids;
};
struct WireInvite {
  std::string code;
  int64_t server_id = 0;
  int64_t expires_at_ms = 0;
  int64_t max_uses = 0;
  int64_t uses = 0;
};

nlohmann::json EncodeServer(const WireServer& s);
nlohmann::json EncodeChannel(const WireChannel& c);
nlohmann::json EncodeRole(const WireRole& r);
nlohmann::json EncodeServerMember(const WireServerMember& m);
nlohmann::json EncodeInvite(const WireInvite& i);

}  // namespace mqchat::protocol
