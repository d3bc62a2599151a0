#include "protocol/profile.h"

#include "protocol/decode_util.h"
#include "protocol/fields.h"
#include "protocol/http_api.h"
#include "protocol/identity.h"
#include "protocol/json_util.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;
namespace api = http::field;

constexpr size_t kAvatarVersionChars = 8;

}  // namespace

std::string AvatarPath(std::string_view username, std::string_view avatar_id) {
  if (avatar_id.empty()) return "";
  return "/v1/users/" + std::string(username) +
         "/avatar?v=" + std::string(avatar_id.substr(0, kAvatarVersionChars));
}

json EncodeAvatar(const WireProfile& profile) {
  if (profile.avatar_url.empty()) return nullptr;
  return json{{api::kType, profile.avatar_type}, {api::kUrl, profile.avatar_url}};
}

std::string ProfileEvent(const WireProfile& profile) {
  return DumpJson(json{{fields::kType, values::kEventTypeProfile},
                       {fields::kUser, profile.user},
                       {api::kDisplayName, profile.display_name},
                       {api::kStatusText, profile.status_text},
                       {api::kAvatar, EncodeAvatar(profile)},
                       {api::kUpdatedAtMs, profile.updated_at_ms}});
}

Result<WireProfile> DecodeProfileEvent(const json& event) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(event, "profile event"));
  WireProfile out;
  MQCHAT_RETURN_IF_ERROR(ReadString(event, fields::kUser, Presence::kRequired, &out.user));
  MQCHAT_RETURN_IF_ERROR(ValidateUsername(out.user));
  MQCHAT_RETURN_IF_ERROR(
      ReadString(event, api::kDisplayName, Presence::kRequired, &out.display_name));
  MQCHAT_RETURN_IF_ERROR(
      ReadString(event, api::kStatusText, Presence::kRequired, &out.status_text));
  if (const json* avatar = FindField(event, api::kAvatar)) {
    MQCHAT_RETURN_IF_ERROR(RequireObject(*avatar, "avatar"));
    MQCHAT_RETURN_IF_ERROR(ReadString(*avatar, api::kType, Presence::kRequired, &out.avatar_type));
    MQCHAT_RETURN_IF_ERROR(ReadString(*avatar, api::kUrl, Presence::kRequired, &out.avatar_url));
    if (out.avatar_url.empty()) return Status::InvalidArgument("avatar url is empty");
  }
  MQCHAT_RETURN_IF_ERROR(
      ReadNonNegative(event, api::kUpdatedAtMs, Presence::kRequired, &out.updated_at_ms));
  return out;
}

}  // namespace mqchat::protocol
