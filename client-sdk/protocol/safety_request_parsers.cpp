// The bodies of block, unblock, blocks, set_dm_policy, report, set_retention and set_slow_mode
// (request_body_parsers.h).
#include <string>

#include "protocol/fields.h"
#include "protocol/privacy.h"
#include "protocol/report.h"
#include "protocol/request_body_parsers.h"
#include "protocol/retention.h"
#include "protocol/slow_mode.h"
#include "protocol/text.h"

namespace mqchat::protocol::request_parsing {

using nlohmann::json;

Error ParseBody(const json& obj, const RequestLimits&, BlockRequest* body) {
  return ReadUser(obj, fields::kUser, &body->user);
}

Error ParseBody(const json& obj, const RequestLimits&, UnblockRequest* body) {
  return ReadUser(obj, fields::kUser, &body->user);
}

Error ParseBody(const json&, const RequestLimits&, BlocksRequest*) { return std::nullopt; }

Error ParseBody(const json& obj, const RequestLimits&, SetDmPolicyRequest* body) {
  std::string name;
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kDmPolicy, Presence::kRequired, &name)));
  auto policy = ParseDmPolicy(name);
  if (!policy) return BadRequest("dm_policy must be everyone, shared_group or existing_only");
  body->dm_policy = *policy;
  return std::nullopt;
}

Error ParseBody(const json& obj, const RequestLimits&, ReportRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadClientMsgId(obj, &body->client_msg_id));
  if (obj.contains(fields::kUser)) {
    MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadUser(obj, fields::kUser, &body->user));
  }
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(FromStatus(
      ReadId(obj, fields::kConversationId, Presence::kOptional, &body->conversation_id)));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadNonNegative(obj, fields::kSeq, Presence::kOptional, &body->seq)));
  if ((body->conversation_id > 0) != (body->seq > 0)) {
    return BadRequest("a reported message needs both conversation_id and seq");
  }
  if (body->user.empty() && body->seq == 0) {
    return BadRequest("report a user (user) or a message (conversation_id and seq)");
  }
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kReason, Presence::kRequired, &body->reason)));
  if (!IsReportReason(body->reason)) {
    return BadRequest(
        "reason must be one of spam, harassment, hate, sexual, violence, self_harm, "
        "impersonation, other");
  }
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kDetails, Presence::kOptional, &body->details)));
  if (CountCodePoints(body->details) > kMaxReportDetailsChars) {
    return BadRequest("details: at most " + std::to_string(kMaxReportDetailsChars) + " characters");
  }
  return std::nullopt;
}

Error ParseBody(const json& obj, const RequestLimits&, SetRetentionRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(FromStatus(
      ReadId(obj, fields::kConversationId, Presence::kRequired, &body->conversation_id)));
  const auto days = obj.find(fields::kDays);
  if (days == obj.end()) return BadRequest("days is required (null: the server's default)");
  if (days->is_null()) {
    body->days = kRetentionServerDefault;
    return std::nullopt;
  }
  int64_t value = 0;
  Status status = ReadNonNegative(obj, fields::kDays, Presence::kRequired, &value);
  if (!status.ok() || value > kMaxRetentionDays) {
    return BadRequest("days must be null or an integer from 0 to " +
                      std::to_string(kMaxRetentionDays));
  }
  body->days = value;
  return std::nullopt;
}

Error ParseBody(const json& obj, const RequestLimits&, SetSlowModeRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(FromStatus(
      ReadId(obj, fields::kConversationId, Presence::kRequired, &body->conversation_id)));
  Status status = ReadNonNegative(obj, fields::kSeconds, Presence::kRequired, &body->seconds);
  if (!status.ok() || body->seconds > kMaxSlowModeSeconds) {
    return BadRequest("seconds must be an integer from 0 (off) to " +
                      std::to_string(kMaxSlowModeSeconds));
  }
  return std::nullopt;
}

}  // namespace mqchat::protocol::request_parsing
