#include "protocol/community.h"

#include <utility>

#include "protocol/fields.h"
#include "protocol/identity.h"
#include "protocol/ids.h"
#include "protocol/json_bounds.h"
#include "protocol/json_util.h"
#include "protocol/ops.h"
#include "protocol/requests.h"
#include "protocol/text.h"
#include "protocol/topics.h"

namespace mqchat::protocol {
namespace {

using json = nlohmann::json;
namespace f = community_fields;

constexpr std::string_view kNames[] = {
    "server_create",  "server_rename",  "server_delete", "servers",        "server_leave",
    "channels",       "channel_create", "channel_edit",  "channel_delete", "roles",
    "role_create",    "role_edit",      "role_assign",   "role_unassign",  "override_set",
    "server_members", "invite_create",  "invite_join",   "kick",           "ban",
};
static_assert(std::size(kNames) == static_cast<size_t>(CommunityOp::kBan) + 1);

constexpr int64_t kAllFlags = (1 << 9) - 1;

// The fields each op needs; the others are optional or ignored.
struct Needs {
  bool server = false, channel = false, role = false, user = false, name = false, code = false;
};

Needs NeedsOf(CommunityOp op) {
  using O = CommunityOp;
  switch (op) {
    case O::kServerCreate:
      return {false, false, false, false, true, false};
    case O::kServerRename:
      return {true, false, false, false, true, false};
    case O::kServerDelete:
    case O::kServerLeave:
    case O::kChannels:
    case O::kRoles:
    case O::kServerMembers:
    case O::kInviteCreate:
      return {true, false, false, false, false, false};
    case O::kServers:
      return {};
    case O::kChannelCreate:
    case O::kRoleCreate:
      return {true, false, false, false, true, false};
    case O::kChannelEdit:
    case O::kChannelDelete:
    case O::kOverrideSet:
      return {false, true, false, false, false, false};
    case O::kRoleEdit:
      return {false, false, true, false, false, false};
    case O::kRoleAssign:
    case O::kRoleUnassign:
      return {false, false, true, true, false, false};
    case O::kInviteJoin:
      return {false, false, false, false, false, true};
    case O::kKick:
    case O::kBan:
      return {true, false, false, true, false, false};
  }
  return {};
}

ProtocolError Bad(std::string message) {
  return ProtocolError{ErrorCode::kBadRequest, std::move(message)};
}

std::optional<ProtocolError> FromStatus(const Status& s) {
  if (s.ok()) return std::nullopt;
  return Bad(s.message());
}

// A name or topic: valid UTF-8 without NUL, within `max_chars` (names also not empty).
std::optional<ProtocolError> ReadText(const json& obj, const char* key, bool required,
                                      size_t max_chars, bool allow_empty,
                                      std::optional<std::string>* out) {
  std::string value;
  const bool present = FindField(obj, key) != nullptr;
  if (!present && !required) return std::nullopt;
  if (auto e = FromStatus(ReadString(obj, key, Presence::kRequired, &value))) return e;
  if (!IsValidUtf8(value) || value.find('\0') != std::string::npos) {
    return ProtocolError{ErrorCode::kInvalidUtf8, std::string(key) + " is not valid UTF-8"};
  }
  if ((!allow_empty && value.empty()) || CountCodePoints(value) > max_chars) {
    return Bad(std::string(key) + ": " + (allow_empty ? "0" : "1") + ".." +
               std::to_string(max_chars) + " characters");
  }
  *out = std::move(value);
  return std::nullopt;
}

std::optional<ProtocolError> ReadFlags(const json& obj, const char* key, int64_t* out) {
  if (auto e = FromStatus(ReadNonNegative(obj, key, Presence::kOptional, out))) return e;
  if ((*out & ~kAllFlags) != 0) return Bad(std::string(key) + ": unknown permission bits");
  return std::nullopt;
}

std::optional<ProtocolError> ReadOptionalInt(const json& obj, const char* key,
                                             std::optional<int64_t>* out) {
  if (FindField(obj, key) == nullptr) return std::nullopt;
  int64_t v = 0;
  if (auto e = FromStatus(ReadNonNegative(obj, key, Presence::kRequired, &v))) return e;
  *out = v;
  return std::nullopt;
}

std::optional<ProtocolError> ReadIds(const json& obj, const Needs& n, CommunityRequest* r) {
  auto presence = [](bool needed) { return needed ? Presence::kRequired : Presence::kOptional; };
  if (auto e = FromStatus(ReadId(obj, f::kServerId, presence(n.server), &r->server_id))) return e;
  if (auto e = FromStatus(ReadId(obj, f::kChannelId, presence(n.channel), &r->channel_id))) {
    return e;
  }
  if (auto e = FromStatus(ReadId(obj, f::kRoleId, presence(n.role), &r->role_id))) return e;
  if (auto e = FromStatus(ReadString(obj, f::kUser, presence(n.user), &r->user))) return e;
  if (!r->user.empty()) {
    if (auto e = FromStatus(ValidateUsername(r->user))) return e;
  }
  if (const json* v = FindField(obj, f::kCategoryId)) {
    // "0" (or 0) takes a channel out of its category; else a channel id.
    int64_t id = 0;
    const bool zero = (v->is_number_integer() && *v == 0) || (v->is_string() && *v == "0");
    if (!zero) {
      if (auto e = FromStatus(ReadId(obj, f::kCategoryId, Presence::kRequired, &id))) return e;
    }
    r->category_id = id;
  }
  return std::nullopt;
}

// The op's own fields after the ids.
std::optional<ProtocolError> ReadRest(const json& obj, const Needs& n, CommunityRequest* r) {
  if (auto e = ReadText(obj, f::kName, n.name, kMaxCommunityNameChars, false, &r->name)) return e;
  if (auto e = ReadText(obj, f::kTopic, false, kMaxChannelTopicChars, true, &r->topic)) return e;
  if (auto e = FromStatus(ReadString(obj, f::kType, Presence::kOptional, &r->type))) return e;
  if (r->type != "text" && r->type != "voice" && r->type != "category") {
    return Bad("type: text, voice or category");
  }
  if (auto e = ReadOptionalInt(obj, f::kPosition, &r->position)) return e;
  if (FindField(obj, f::kPermissions) != nullptr) {
    int64_t flags = 0;
    if (auto e = ReadFlags(obj, f::kPermissions, &flags)) return e;
    r->permissions = flags;
  }
  if (auto e = ReadFlags(obj, f::kAllow, &r->allow)) return e;
  if (auto e = ReadFlags(obj, f::kDeny, &r->deny)) return e;
  if (auto e = FromStatus(ReadString(
          obj, f::kCode, n.code ? Presence::kRequired : Presence::kOptional, &r->code))) {
    return e;
  }
  if (r->code.size() > kMaxInviteCodeBytes) return Bad("code: too long");
  if (auto e = FromStatus(
          ReadNonNegative(obj, f::kExpiresInMs, Presence::kOptional, &r->expires_in_ms))) {
    return e;
  }
  if (auto e = FromStatus(ReadNonNegative(obj, f::kMaxUses, Presence::kOptional, &r->max_uses))) {
    return e;
  }
  if (auto e = FromStatus(ReadString(obj, f::kAfter, Presence::kOptional, &r->after))) return e;
  int64_t limit = r->limit;
  if (auto e = FromStatus(ReadNonNegative(obj, f::kLimit, Presence::kOptional, &limit))) return e;
  if (limit < 1 || limit > kMaxServerMembersPage) return Bad("limit: 1..1000");
  r->limit = static_cast<int>(limit);
  if (r->op == CommunityOp::kOverrideSet && (r->role_id != 0) == !r->user.empty()) {
    return Bad("override_set names either role_id or user");
  }
  return std::nullopt;
}

}  // namespace

std::string_view CommunityOpName(CommunityOp op) { return kNames[static_cast<size_t>(op)]; }

std::optional<CommunityOp> ParseCommunityOpName(std::string_view name) {
  for (size_t i = 0; i < std::size(kNames); ++i) {
    if (kNames[i] == name) return static_cast<CommunityOp>(i);
  }
  return std::nullopt;
}

std::string CommunityRequestTopic(CommunityOp op) {
  // The request prefix as topics.h spells it: the topic of a non-conversation op without it.
  static const std::string prefix = [] {
    std::string t = RequestTopic(Op::kSync);
    return t.substr(0, t.size() - OpName(Op::kSync).size());
  }();
  return prefix + std::string(CommunityOpName(op));
}

std::optional<CommunityOp> CommunityOpOfTopic(std::string_view topic) {
  const size_t slash = topic.rfind('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto op = ParseCommunityOpName(topic.substr(slash + 1));
  if (!op || topic != CommunityRequestTopic(*op)) return std::nullopt;
  return op;
}

ParsedCommunityRequest ParseCommunityRequest(CommunityOp op, std::string_view payload) {
  ParsedCommunityRequest parsed;
  parsed.op_name = std::string(CommunityOpName(op));
  parsed.request.op = op;
  if (payload.size() > kMaxCommunityRequestBytes) {
    parsed.error =
        ProtocolError{ErrorCode::kTooLarge,
                      "payload over " + std::to_string(kMaxCommunityRequestBytes) + " bytes"};
    return parsed;
  }
  const JsonBoundsScan scan = ScanJsonBounds(payload, JsonBounds{3, 200, 4096}, fields::kReqId);
  if (scan.top_is_object && scan.captured && scan.captured->size() <= kMaxReqIdBytes) {
    parsed.req_id = *scan.captured;
  }
  if (scan.excess) {
    parsed.error = ProtocolError{ErrorCode::kTooLarge, *scan.excess};
    return parsed;
  }
  const json doc = json::parse(payload.begin(), payload.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    parsed.error = Bad("payload must be a JSON object");
    return parsed;
  }
  const Needs needs = NeedsOf(op);
  if (auto e = ReadIds(doc, needs, &parsed.request)) {
    parsed.error = std::move(e);
  } else if (auto e2 = ReadRest(doc, needs, &parsed.request)) {
    parsed.error = std::move(e2);
  }
  return parsed;
}

json EncodeServer(const WireServer& s) {
  return {{f::kServerId, FormatId(s.id)},
          {f::kName, s.name},
          {f::kOwner, s.owner},
          {f::kEveryoneRoleId, FormatId(s.everyone_role_id)},
          {f::kMemberCount, s.member_count}};
}

json EncodeChannel(const WireChannel& c) {
  json out = {{f::kChannelId, FormatId(c.id)},
              {f::kServerId, FormatId(c.server_id)},
              {f::kName, c.name},
              {f::kType, c.type},
              {f::kTopic, c.topic},
              {f::kPosition, c.position},
              {f::kCategoryId, c.category_id == 0 ? std::string("0") : FormatId(c.category_id)}};
  if (c.read) {
    out[std::string(fields::kLastSeq)] = c.read->last_seq;
    out[std::string(fields::kReadSeq)] = c.read->read_seq;
    out[std::string(fields::kUnread)] = c.read->unread;
    out[std::string(fields::kUnreadMentions)] = c.read->unread_mentions;
  }
  if (c.slow_mode_s > 0) out[std::string(fields::kSlowModeS)] = c.slow_mode_s;  // absent: off
  return out;
}

json EncodeRole(const WireRole& r) {
  return {{f::kRoleId, FormatId(r.id)},
          {f::kServerId, FormatId(r.server_id)},
          {f::kName, r.name},
          {f::kPermissions, r.permissions},
          {f::kPosition, r.position}};
}

json EncodeServerMember(const WireServerMember& m) {
  json ids = json::array();
  for (int64_t id : m.role_ids) ids.push_back(FormatId(id));
  return {{f::kUser, m.user}, {f::kOwner, m.owner}, {f::kRoleIds, std::move(ids)}};
}

json EncodeInvite(const WireInvite& i) {
  return {{f::kCode, i.code},
          {f::kServerId, FormatId(i.server_id)},
          {f::kExpiresAtMs, i.expires_at_ms},
          {f::kMaxUses, i.max_uses},
          {f::kUses, i.uses}};
}

}  // namespace mqchat::protocol
