// Communities in the mqchat SDK (issue 18; docs/PROTOCOL.md "Communities"): servers, their
// channels, roles, members and invites as Client's community calls answer them, the permission
// flags, and the options of the calls that take several. A text channel is also a conversation
// (its id is the conversation id): Send, History and MarkRead take it. Plain data; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mqchat {

// Permission flags, ORed into Role::permissions and channel overrides.
namespace permission {
inline constexpr int64_t kViewChannel = 1;
inline constexpr int64_t kSendMessages = 2;
inline constexpr int64_t kManageMessages = 4;
inline constexpr int64_t kManageChannels = 8;
inline constexpr int64_t kManageRoles = 16;
inline constexpr int64_t kKickMembers = 32;
inline constexpr int64_t kBanMembers = 64;
inline constexpr int64_t kCreateInvite = 128;
inline constexpr int64_t kAdministrator = 256;
}  // namespace permission

struct Server {
  int64_t id = 0;
  std::string name;
  std::string owner;
  int64_t everyone_role_id = 0;  // the @everyone role every member holds
  int64_t member_count = 0;
};

struct Channel {
  int64_t id = 0;  // also its conversation id
  int64_t server_id = 0;
  std::string name;
  std::string type;  // "text", "voice" or "category"
  std::string topic;
  int64_t position = 0;
  int64_t category_id = 0;  // 0: in no category
  // Text channels, as Channels() read them: the caller's read state (docs/PROTOCOL.md "Channel
  // read markers"). MarkRead(id, seq) moves read_seq, as for a conversation.
  int64_t last_seq = 0;  // the channel's newest seq
  int64_t read_seq = 0;
  int64_t unread = 0;  // messages above read_seq, counted to 1,000 (1,000 means "or more")
  int64_t unread_mentions = 0;
  // Text channels: the slow mode (SetSlowMode(id, seconds)); 0 is off. Members without
  // manage_messages or manage_channels send one message per interval.
  int64_t slow_mode_s = 0;
};

struct Role {
  int64_t id = 0;
  int64_t server_id = 0;
  std::string name;
  int64_t permissions = 0;  // permission:: flags
  int64_t position = 0;
};

struct ServerMember {
  std::string user;
  bool owner = false;
  std::vector<int64_t> role_ids;
};

struct Invite {
  std::string code;  // what JoinServer takes
  int64_t server_id = 0;
  int64_t expires_at_ms = 0;  // 0: never
  int64_t max_uses = 0;       // 0: unlimited
  int64_t uses = 0;
};

struct ChannelOptions {
  std::string name;
  std::string type = "text";
  std::optional<std::string> topic;
  std::optional<int64_t> position;
  int64_t category_id = 0;  // 0: none
};

// Client::EditChannel: what changes (fields left empty keep their value).
struct ChannelEdit {
  std::optional<std::string> name;
  std::optional<std::string> topic;
  std::optional<int64_t> position;
  std::optional<int64_t> category_id;  // 0: out of its category
};

// Client::EditRole: what changes (the name of @everyone cannot).
struct RoleEdit {
  std::optional<std::string> name;
  std::optional<int64_t> permissions;
};

struct InviteOptions {
  int64_t expires_in_ms = 0;  // 0: never expires
  int64_t max_uses = 0;       // 0: unlimited
};

}  // namespace mqchat
