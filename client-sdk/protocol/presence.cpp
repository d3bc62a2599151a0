#include "protocol/presence.h"

#include <limits>
#include <nlohmann/json.hpp>

#include "protocol/fields.h"
#include "protocol/json_util.h"

namespace mqchat::protocol {

std::string EncodePresence(const WirePresence& p) {
  return DumpJson(nlohmann::json{{fields::kUser, p.user},
                                 {fields::kState, p.online ? values::kOnline : values::kOffline},
                                 {fields::kLastSeenMs, p.last_seen_ms},
                                 {fields::kDevices, p.devices}});
}

Result<WirePresence> DecodePresence(std::string_view payload) {
  auto doc = nlohmann::json::parse(payload, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return Status::InvalidArgument("presence payload is not a JSON object");
  }
  WirePresence p;
  std::string state;
  int64_t devices = 0;
  MQCHAT_RETURN_IF_ERROR(ReadString(doc, fields::kUser, Presence::kRequired, &p.user));
  MQCHAT_RETURN_IF_ERROR(ReadString(doc, fields::kState, Presence::kRequired, &state));
  MQCHAT_RETURN_IF_ERROR(
      ReadNonNegative(doc, fields::kLastSeenMs, Presence::kOptional, &p.last_seen_ms));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(doc, fields::kDevices, Presence::kOptional, &devices));
  if (state != values::kOnline && state != values::kOffline) {
    return Status::InvalidArgument("presence state must be online or offline");
  }
  p.online = state == values::kOnline;
  // Refused rather than wrapped: a cast would make 2^31 negative and 2^32 "online, 0 devices".
  if (devices > std::numeric_limits<int>::max()) {
    return Status::InvalidArgument("presence devices must be at most " +
                                   std::to_string(std::numeric_limits<int>::max()));
  }
  p.devices = static_cast<int>(devices);
  return p;
}

std::string DeviceWillPayload() {
  return DumpJson(nlohmann::json{{fields::kState, values::kOffline}});
}

}  // namespace mqchat::protocol
