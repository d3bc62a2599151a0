#include "protocol/privacy.h"

#include "protocol/decode_util.h"
#include "protocol/fields.h"
#include "protocol/json_util.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;

constexpr std::string_view kPolicyNames[] = {values::kDmEveryone, values::kDmSharedGroup,
                                             values::kDmExistingOnly};

Result<WireBlockedUser> DecodeBlockedUser(const json& value) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(value, "blocked entry"));
  WireBlockedUser out;
  MQCHAT_RETURN_IF_ERROR(ReadString(value, fields::kUser, Presence::kRequired, &out.user));
  MQCHAT_RETURN_IF_ERROR(
      ReadNonNegative(value, fields::kBlockedAtMs, Presence::kRequired, &out.blocked_at_ms));
  return out;
}

}  // namespace

std::string_view DmPolicyName(DmPolicy policy) {
  const auto index = static_cast<size_t>(policy);
  return index < std::size(kPolicyNames) ? kPolicyNames[index] : values::kDmEveryone;
}

std::optional<DmPolicy> ParseDmPolicy(std::string_view name) {
  for (size_t i = 0; i < std::size(kPolicyNames); ++i) {
    if (kPolicyNames[i] == name) return static_cast<DmPolicy>(i);
  }
  return std::nullopt;
}

json EncodePrivacy(const WirePrivacy& privacy) {
  json blocked = json::array();
  for (const WireBlockedUser& b : privacy.blocked) {
    blocked.push_back(json{{fields::kUser, b.user}, {fields::kBlockedAtMs, b.blocked_at_ms}});
  }
  return json{{fields::kBlocked, std::move(blocked)},
              {fields::kDmPolicy, DmPolicyName(privacy.dm_policy)}};
}

Result<WirePrivacy> DecodePrivacy(const json& body) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(body, "privacy"));
  WirePrivacy out;
  MQCHAT_RETURN_IF_ERROR(ReadObjectArray<WireBlockedUser>(body, fields::kBlocked,
                                                          DecodeBlockedUser, &out.blocked));
  std::string policy;
  MQCHAT_RETURN_IF_ERROR(ReadString(body, fields::kDmPolicy, Presence::kRequired, &policy));
  auto parsed = ParseDmPolicy(policy);
  if (!parsed) return Status::InvalidArgument("dm_policy is not a known policy: " + policy);
  out.dm_policy = *parsed;
  return out;
}

std::string PrivacyEvent(const WirePrivacy& privacy) {
  json event = EncodePrivacy(privacy);
  event[fields::kType] = values::kEventTypePrivacy;
  return DumpJson(event);
}

}  // namespace mqchat::protocol
