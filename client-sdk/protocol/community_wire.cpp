#include "protocol/community_wire.h"

#include <optional>
#include <utility>

#include "protocol/decode_util.h"
#include "protocol/fields.h"
#include "protocol/identity.h"
#include "protocol/ids.h"
#include "protocol/json_util.h"
#include "protocol/text.h"

namespace mqchat::protocol {
namespace {

using json = nlohmann::json;
namespace f = community_fields;

// A bounded text field: valid UTF-8 of at most `max_chars` code points.
Status ReadBoundedText(const json& obj, std::string_view key, Presence presence, size_t max_chars,
                       std::string* out) {
  MQCHAT_RETURN_IF_ERROR(ReadString(obj, key, presence, out));
  if (!IsValidUtf8(*out) || CountCodePoints(*out) > max_chars) {
    return Status::InvalidArgument(std::string(key) + " is not text of at most " +
                                   std::to_string(max_chars) + " characters");
  }
  return Status::Ok();
}

Status ReadUser(const json& obj, std::string_view key, std::string* out) {
  MQCHAT_RETURN_IF_ERROR(ReadString(obj, key, Presence::kRequired, out));
  return ValidateUsername(*out).WithContext(std::string(key));
}

// "0" (or 0) for no category, else a channel id.
Status ReadCategory(const json& obj, int64_t* out) {
  const json* v = FindField(obj, f::kCategoryId);
  if (v == nullptr || (v->is_number_integer() && *v == 0) || (v->is_string() && *v == "0")) {
    *out = 0;
    return Status::Ok();
  }
  return ReadId(obj, f::kCategoryId, Presence::kRequired, out);
}

// A text channel's read state in `channels`: present if any of its fields is.
Status ReadChannelReadState(const json& obj, std::optional<WireChannelReadState>* out) {
  const std::string_view keys[] = {fields::kLastSeq, fields::kReadSeq, fields::kUnread,
                                   fields::kUnreadMentions};
  bool any = false;
  for (std::string_view key : keys) any = any || FindField(obj, key) != nullptr;
  if (!any) return Status::Ok();
  WireChannelReadState r;
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(obj, fields::kLastSeq, Presence::kOptional, &r.last_seq));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(obj, fields::kReadSeq, Presence::kOptional, &r.read_seq));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(obj, fields::kUnread, Presence::kOptional, &r.unread));
  MQCHAT_RETURN_IF_ERROR(
      ReadNonNegative(obj, fields::kUnreadMentions, Presence::kOptional, &r.unread_mentions));
  *out = r;
  return Status::Ok();
}

template <typename T, typename Decode>
Result<T> DecodeField(const json& body, std::string_view key, Decode decode) {
  const json* v = FindField(body, key);
  if (v == nullptr) return Status::InvalidArgument(std::string(key) + " is missing");
  auto out = decode(*v);
  if (!out.ok()) return out.status().WithContext(std::string(key));
  return out;
}

template <typename T, typename Decode>
Result<std::vector<T>> DecodeList(const json& body, std::string_view key, Decode decode) {
  std::vector<T> out;
  MQCHAT_RETURN_IF_ERROR(ReadObjectArray<T>(body, key, decode, &out));
  return out;
}

}  // namespace

std::string EncodeCommunityRequest(const CommunityRequest& r, std::string_view req_id) {
  json out = json::object();
  out[std::string(fields::kReqId)] = std::string(req_id);
  if (r.server_id > 0) out[f::kServerId] = FormatId(r.server_id);
  if (r.channel_id > 0) out[f::kChannelId] = FormatId(r.channel_id);
  if (r.role_id > 0) out[f::kRoleId] = FormatId(r.role_id);
  if (!r.user.empty()) out[f::kUser] = r.user;
  if (r.name) out[f::kName] = *r.name;
  if (r.topic) out[f::kTopic] = *r.topic;
  if (r.op == CommunityOp::kChannelCreate) out[f::kType] = r.type;
  if (r.position) out[f::kPosition] = *r.position;
  if (r.category_id) out[f::kCategoryId] = *r.category_id == 0 ? "0" : FormatId(*r.category_id);
  if (r.permissions) out[f::kPermissions] = *r.permissions;
  if (r.op == CommunityOp::kOverrideSet) {
    out[f::kAllow] = r.allow;
    out[f::kDeny] = r.deny;
  }
  if (!r.code.empty()) out[f::kCode] = r.code;
  if (r.op == CommunityOp::kInviteCreate) {
    out[f::kExpiresInMs] = r.expires_in_ms;
    out[f::kMaxUses] = r.max_uses;
  }
  if (r.op == CommunityOp::kServerMembers) {
    if (!r.after.empty()) out[f::kAfter] = r.after;
    out[f::kLimit] = r.limit;
  }
  return DumpJson(out);
}

Result<WireServer> DecodeServer(const json& v) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(v, "server"));
  WireServer s;
  MQCHAT_RETURN_IF_ERROR(ReadId(v, f::kServerId, Presence::kRequired, &s.id));
  MQCHAT_RETURN_IF_ERROR(
      ReadBoundedText(v, f::kName, Presence::kRequired, kMaxCommunityNameChars, &s.name));
  MQCHAT_RETURN_IF_ERROR(ReadUser(v, f::kOwner, &s.owner));
  MQCHAT_RETURN_IF_ERROR(ReadId(v, f::kEveryoneRoleId, Presence::kRequired, &s.everyone_role_id));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(v, f::kMemberCount, Presence::kRequired, &s.member_count));
  return s;
}

Result<WireChannel> DecodeChannel(const json& v) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(v, "channel"));
  WireChannel c;
  MQCHAT_RETURN_IF_ERROR(ReadId(v, f::kChannelId, Presence::kRequired, &c.id));
  MQCHAT_RETURN_IF_ERROR(ReadId(v, f::kServerId, Presence::kRequired, &c.server_id));
  MQCHAT_RETURN_IF_ERROR(
      ReadBoundedText(v, f::kName, Presence::kRequired, kMaxCommunityNameChars, &c.name));
  MQCHAT_RETURN_IF_ERROR(ReadBoundedText(v, f::kType, Presence::kRequired, 16, &c.type));
  MQCHAT_RETURN_IF_ERROR(
      ReadBoundedText(v, f::kTopic, Presence::kOptional, kMaxChannelTopicChars, &c.topic));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(v, f::kPosition, Presence::kOptional, &c.position));
  MQCHAT_RETURN_IF_ERROR(ReadCategory(v, &c.category_id));
  MQCHAT_RETURN_IF_ERROR(ReadChannelReadState(v, &c.read));
  MQCHAT_RETURN_IF_ERROR(
      ReadNonNegative(v, fields::kSlowModeS, Presence::kOptional, &c.slow_mode_s));
  return c;
}

Result<WireRole> DecodeRole(const json& v) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(v, "role"));
  WireRole r;
  MQCHAT_RETURN_IF_ERROR(ReadId(v, f::kRoleId, Presence::kRequired, &r.id));
  MQCHAT_RETURN_IF_ERROR(ReadId(v, f::kServerId, Presence::kRequired, &r.server_id));
  MQCHAT_RETURN_IF_ERROR(
      ReadBoundedText(v, f::kName, Presence::kRequired, kMaxCommunityNameChars, &r.name));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(v, f::kPermissions, Presence::kRequired, &r.permissions));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(v, f::kPosition, Presence::kOptional, &r.position));
  return r;
}

Result<WireServerMember> DecodeServerMember(const json& v) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(v, "member"));
  WireServerMember m;
  MQCHAT_RETURN_IF_ERROR(ReadUser(v, f::kUser, &m.user));
  MQCHAT_RETURN_IF_ERROR(ReadBool(v, f::kOwner, Presence::kOptional, &m.owner));
  std::vector<std::string> ids;
  // A member holds at most a server's roles; 1,000 is far above any real count.
  MQCHAT_RETURN_IF_ERROR(ReadStringArray(v, f::kRoleIds, Presence::kOptional, 1000, &ids));
  for (size_t i = 0; i < ids.size(); ++i) {
    int64_t id = 0;
    MQCHAT_RETURN_IF_ERROR(IdFromJson(json(ids[i]), "role_ids[" + std::to_string(i) + "]", &id));
    m.role_ids.push_back(id);
  }
  return m;
}

Result<WireInvite> DecodeInvite(const json& v) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(v, "invite"));
  WireInvite i;
  MQCHAT_RETURN_IF_ERROR(ReadString(v, f::kCode, Presence::kRequired, &i.code));
  if (i.code.empty() || i.code.size() > kMaxInviteCodeBytes) {
    return Status::InvalidArgument("code must be 1.." + std::to_string(kMaxInviteCodeBytes) +
                                   " bytes");
  }
  MQCHAT_RETURN_IF_ERROR(ReadId(v, f::kServerId, Presence::kRequired, &i.server_id));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(v, f::kExpiresAtMs, Presence::kOptional, &i.expires_at_ms));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(v, f::kMaxUses, Presence::kOptional, &i.max_uses));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(v, f::kUses, Presence::kOptional, &i.uses));
  return i;
}

Result<WireServer> DecodeServerField(const json& body) {
  return DecodeField<WireServer>(body, f::kServer, DecodeServer);
}
Result<WireChannel> DecodeChannelField(const json& body) {
  return DecodeField<WireChannel>(body, f::kChannel, DecodeChannel);
}
Result<WireRole> DecodeRoleField(const json& body) {
  return DecodeField<WireRole>(body, f::kRole, DecodeRole);
}
Result<WireInvite> DecodeInviteField(const json& body) {
  return DecodeField<WireInvite>(body, f::kInvite, DecodeInvite);
}
Result<std::vector<WireServer>> DecodeServerList(const json& body) {
  return DecodeList<WireServer>(body, f::kServers, DecodeServer);
}
Result<std::vector<WireChannel>> DecodeChannelList(const json& body) {
  return DecodeList<WireChannel>(body, f::kChannels, DecodeChannel);
}
Result<std::vector<WireRole>> DecodeRoleList(const json& body) {
  return DecodeList<WireRole>(body, f::kRoles, DecodeRole);
}
Result<std::vector<WireServerMember>> DecodeServerMemberList(const json& body) {
  return DecodeList<WireServerMember>(body, f::kMembers, DecodeServerMember);
}

}  // namespace mqchat::protocol
