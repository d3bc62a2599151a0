// The body of search (request_body_parsers.h; protocol/search.h).
#include <string>

#include "protocol/fields.h"
#include "protocol/request_body_parsers.h"
#include "protocol/search.h"
#include "protocol/text.h"

namespace mqchat::protocol::request_parsing {

using nlohmann::json;

// A query is INVALID when empty, only white space, or too long; the plugin also refuses one
// without any word (only punctuation or emoji), which it alone can tell.
namespace {

Error ReadSearchQuery(const json& obj, std::string* query) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kQuery, Presence::kRequired, query)));
  if (query->find_first_not_of(" \t\r\n") == std::string::npos) {
    return Invalid("query is empty");
  }
  if (CountCodePoints(*query) > kMaxSearchQueryChars) {
    return Invalid("query is too long: at most " + std::to_string(kMaxSearchQueryChars) +
                   " characters");
  }
  if (query->find('\0') != std::string::npos) return Invalid("query contains NUL");
  return std::nullopt;
}

}  // namespace

Error ParseBody(const json& obj, const RequestLimits&, SearchRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadSearchQuery(obj, &body->query));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(FromStatus(
      ReadId(obj, fields::kConversationId, Presence::kOptional, &body->conversation_id)));
  if (obj.contains(fields::kSender)) {
    MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadUser(obj, fields::kSender, &body->sender));
  }
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadNonNegative(obj, fields::kFromMs, Presence::kOptional, &body->from_ms)));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadNonNegative(obj, fields::kToMs, Presence::kOptional, &body->to_ms)));
  if (body->to_ms > 0 && body->to_ms <= body->from_ms) {
    return Invalid("to_ms must be after from_ms");
  }
  int64_t limit = body->limit;
  Status status = ReadNonNegative(obj, fields::kLimit, Presence::kOptional, &limit);
  if (!status.ok() || limit < 1 || limit > kMaxSearchLimit) {
    return BadRequest("limit must be an integer from 1 to " + std::to_string(kMaxSearchLimit));
  }
  body->limit = static_cast<int>(limit);
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kCursor, Presence::kOptional, &body->cursor)));
  if (obj.contains(fields::kCursor) && !ParseSearchCursor(body->cursor)) {
    return Invalid("cursor is not one this server gave");
  }
  return std::nullopt;
}

}  // namespace mqchat::protocol::request_parsing
