#include "protocol/requests.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "protocol/fields.h"
#include "protocol/json_bounds.h"
#include "protocol/json_util.h"
#include "protocol/request_body.h"
#include "protocol/request_body_parsers.h"
#include "protocol/text.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;
using request_parsing::BadRequest;
using request_parsing::Error;

// is BAD_REQUEST. Only failed parses pay for the extra scan.
ProtocolError PayloadParseError(std::string_view payload) {
  const size_t first = payload.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && payload[first] == '{') {
    Utf8Scan scan = ScanUtf8(payload);
    if (!scan.valid) {
      return ProtocolError{ErrorCode::kInvalidUtf8, "payload is not valid UTF-8 (at byte " +
                                                        std::to_string(scan.error_offset) + ")"};
    }
  }
  return ProtocolError{ErrorCode::kBadRequest, "payload is not valid JSON"};
}

Error TooLarge(std::string message) {
  return ProtocolError{ErrorCode::kTooLarge, std::move(message)};
}

JsonBoundsScan ScanBounds(std::string_view payload, const RequestLimits& limits) {
  const JsonBounds bounds{kMaxRequestDepth, kMaxRequestElements, MaxRequestStringBytes(limits)};
  return ScanJsonBounds(payload, bounds, fields::kReqId);
}

// A req_id the first pass met (a string at the top level of an object), if it may be echoed.
std::string EchoableReqId(const JsonBoundsScan& scan) {
  if (!scan.top_is_object || !scan.captured || scan.captured->size() > kMaxReqIdBytes) return "";
  return *scan.captured;
}

// Refuses, before any tree is built, a payload over MaxRequestBytes (unread) or one whose JSON
// exceeds the depth, value-count or string bounds (read up to the excess or the first syntax
// error; what it read is left in `*scan`). nullopt when within bounds.
Error CheckBounds(std::string_view payload, const RequestLimits& limits, JsonBoundsScan* scan) {
  const size_t max_bytes = MaxRequestBytes(limits);
  if (payload.size() > max_bytes) {
    return TooLarge("payload has " + std::to_string(payload.size()) + " bytes; the limit is " +
                    std::to_string(max_bytes));
  }
  *scan = ScanBounds(payload, limits);
  if (!scan->excess) return std::nullopt;
  // Not an object at all: that is the error, as it would be for a smaller one.
  if (!scan->top_is_object) return BadRequest("payload must be a JSON object");
  return TooLarge(*scan->excess);
}

// The req_id of a payload the JSON parser refused, so an MQTT 3.1.1 client can still match the
// error: the one the first pass met before the syntax error, else, if the payload is not UTF-8
// (most likely in the text, which may come before the req_id), the one a pass over it with
// ill-formed sequences replaced meets. Only failed parses pay for the second pass.
std::string RecoverReqId(std::string_view payload, const RequestLimits& limits,
                         const JsonBoundsScan& first) {
  std::string req_id = EchoableReqId(first);
  if (req_id.empty() && first.top_is_object && !IsValidUtf8(payload)) {
    req_id = EchoableReqId(ScanBounds(ReplaceIllFormedUtf8(payload), limits));
  }
  return req_id;
}

}  // namespace

size_t MaxRequestBytes(const RequestLimits& limits) {
  return std::max(12 * limits.max_message_chars + kRequestHeadroomBytes, kMinRequestLimitBytes);
}

size_t MaxRequestStringBytes(const RequestLimits& limits) {
  return std::max(4 * limits.max_message_chars + 4096, kMaxPushTokenBytes);
}

std::optional<ProtocolError> ParseRequestBody(Op op, const nlohmann::json& obj,
                                              const RequestLimits& limits, RequestBody* body) {
  return request_parsing::ParseBodyFor(op, obj, limits, body);
}

ParsedRequest ParseRequest(std::string_view topic, std::string_view payload,
                           const RequestLimits& limits) {
  ParsedRequest parsed;
  RequestTopicParts parts = ParseRequestTopic(topic);
  parsed.op = parts.op;
  parsed.op_name = std::move(parts.op_name);
  parsed.conversation_id = parts.conversation_id;
  JsonBoundsScan scan;
  if (Error too_large = CheckBounds(payload, limits, &scan)) {
    parsed.req_id = EchoableReqId(scan);
    parsed.error = parts.error ? std::move(parts.error) : std::move(too_large);
    return parsed;
  }

  const json doc = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  const bool is_object = !doc.is_discarded() && doc.is_object();
  // req_id first: every later error, the topic's included, should be matchable by the client.
  Error req_id_error;
  if (is_object) {
    std::string req_id;
    Status status = ReadString(doc, fields::kReqId, Presence::kOptional, &req_id);
    if (!status.ok()) {
      req_id_error = BadRequest(status.message());
    } else if (req_id.size() > kMaxReqIdBytes) {
      req_id_error =
          BadRequest("req_id must have at most " + std::to_string(kMaxReqIdBytes) + " bytes");
    } else {
      parsed.req_id = std::move(req_id);
    }
  } else if (doc.is_discarded()) {
    parsed.req_id = RecoverReqId(payload, limits, scan);
  }

  if (parts.error) {
    parsed.error = std::move(parts.error);
  } else if (doc.is_discarded()) {
    parsed.error = PayloadParseError(payload);
  } else if (!is_object) {
    parsed.error = BadRequest("payload must be a JSON object");
  } else if (req_id_error) {
    parsed.error = std::move(req_id_error);
  } else {
    parsed.request.op = *parsed.op;
    parsed.request.conversation_id = parsed.conversation_id;
    parsed.request.req_id = parsed.req_id;
    parsed.error = request_parsing::ParseBodyFor(*parsed.op, doc, limits, &parsed.request.body);
  }
  return parsed;
}

std::string_view ResponseOpName(const ParsedRequest& parsed) {
  if (parsed.op) return OpName(*parsed.op);
  return parsed.op_name.empty() ? values::kUnknownOpName : std::string_view(parsed.op_name);
}

}  // namespace mqchat::protocol
