// The bodies of mute, push_register, push_unregister and push_settings (request_body_parsers.h).
#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string_view>

#include "protocol/fields.h"
#include "protocol/request_body_parsers.h"

namespace mqchat::protocol::request_parsing {

using nlohmann::json;

Error ParseBody(const json& obj, const RequestLimits&, MuteRequest* body) {
  const json* value = FindField(obj, fields::kUntilMs);
  if (value == nullptr) return BadRequest("until_ms is required");
  if (!value->is_number_integer()) {
    return BadRequest("until_ms must be an integer: 0 (unmute), -1 (forever) or a time in ms");
  }
  // Unsigned values above INT64_MAX are refused along with other negatives than -1.
  if (value->is_number_unsigned() && value->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return BadRequest("until_ms is too large");
  }
  const int64_t until = value->get<int64_t>();
  if (until < kMuteForever) {
    return BadRequest("until_ms must be 0 (unmute), -1 (forever) or a time in ms");
  }
  body->until_ms = until;
  return std::nullopt;
}

Error ParseBody(const json& obj, const RequestLimits&, PushRegisterRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kPlatform, Presence::kRequired, &body->platform)));
  const std::string_view platforms[] = {values::kPlatformFcm, values::kPlatformApns,
                                        values::kPlatformWebPush, values::kPlatformWebhook};
  if (std::find(std::begin(platforms), std::end(platforms), body->platform) ==
      std::end(platforms)) {
    return BadRequest("platform must be one of fcm, apns, webpush, webhook");
  }
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kToken, Presence::kRequired, &body->token)));
  if (body->token.empty() || body->token.size() > kMaxPushTokenBytes) {
    return BadRequest("token must have 1 to " + std::to_string(kMaxPushTokenBytes) + " bytes");
  }
  for (unsigned char c : body->token) {
    if (c < 0x20 || c == 0x7F) return BadRequest("token contains a control character");
  }
  return std::nullopt;
}

Error ParseBody(const json&, const RequestLimits&, PushUnregisterRequest*) { return std::nullopt; }

Error ParseBody(const json& obj, const RequestLimits&, PushSettingsRequest* body) {
  body->has_preview = FindField(obj, fields::kPreview) != nullptr;
  if (const json* mention = FindField(obj, fields::kMentionPush); mention != nullptr) {
    bool value = true;
    MQCHAT_RETURN_IF_PROTOCOL_ERROR(
        FromStatus(ReadBool(obj, fields::kMentionPush, Presence::kRequired, &value)));
    body->mention_push = value;
  }
  // One of them at least; without mention_push, preview is required as before.
  const Presence preview = body->mention_push ? Presence::kOptional : Presence::kRequired;
  return FromStatus(ReadBool(obj, fields::kPreview, preview, &body->preview));
}

}  // namespace mqchat::protocol::request_parsing
