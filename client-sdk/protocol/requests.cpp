#include "protocol/requests.h"

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "protocol/attachments.h"
#include "protocol/emoji.h"
#include "protocol/fields.h"
#include "protocol/identity.h"
#include "protocol/ids.h"
#include "protocol/json_bounds.h"
#include "protocol/json_util.h"
#include "protocol/report.h"
#include "protocol/request_body.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;
using Error = std::optional<ProtocolError>;

Error BadRequest(std::string message) {
  return ProtocolError{ErrorCode::kBadRequest, std::move(message)};
}

Error FromStatus(const Status& status) {
  if (status.ok()) return std::nullopt;
  return BadRequest(status.message());
}

#define MQCHAT_RETURN_IF_PROTOCOL_ERROR(expr) \
  do {                                        \
    Error mqchat_error_ = (expr);             \
    if (mqchat_error_) return mqchat_error_;  \
  } while (0)

Error ReadLimit(const json& obj, int* limit) {
  int64_t value = *limit;
  Status status = ReadNonNegative(obj, fields::kLimit, Presence::kOptional, &value);
  if (!status.ok() || value < 1 || value > kMaxPageLimit) {
    return BadRequest("limit must be an integer from 1 to " + std::to_string(kMaxPageLimit));
  }
  *limit = static_cast<int>(value);
  return std::nullopt;
}

Error ReadUser(const json& obj, std::string_view key, std::string* user) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(FromStatus(ReadString(obj, key, Presence::kRequired, user)));
  return FromStatus(ValidateUsername(*user).WithContext(key));
}

// Reads an array of usernames, validates each and drops repeats (first occurrence kept).
Error ReadUsers(const json& obj, std::string_view key, Presence presence, size_t min_entries,
                std::vector<std::string>* users, size_t max_entries = kMaxUsersPerRequest) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadStringArray(obj, key, presence, max_entries, users)));
  if (users->size() < min_entries) return BadRequest(std::string(key) + " is empty");
  std::unordered_set<std::string_view> seen;
  std::vector<std::string> unique;
  unique.reserve(users->size());
  for (size_t i = 0; i < users->size(); ++i) {
    const std::string& user = (*users)[i];
    Status valid = ValidateUsername(user);
    if (!valid.ok()) {
      return FromStatus(valid.WithContext(std::string(key) + "[" + std::to_string(i) + "]"));
    }
    if (seen.insert(user).second) unique.push_back(user);
  }
  *users = std::move(unique);
  return std::nullopt;
}

Error ReadName(const json& obj, std::string* name) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kName, Presence::kRequired, name)));
  return ValidateConversationName(fields::kName, *name);
}

Error ReadClientMsgId(const json& obj, std::string* id) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kClientMsgId, Presence::kRequired, id)));
  if (id->empty() || id->size() > kMaxClientMsgIdBytes) {
    return BadRequest("client_msg_id must have 1 to " + std::to_string(kMaxClientMsgIdBytes) +
                      " bytes");
  }
  for (unsigned char c : *id) {
    if (c < 0x20 || c == 0x7F) return BadRequest("client_msg_id contains a control character");
  }
  return std::nullopt;
}

// The seq an event names: required, at least 1.
Error ReadTargetSeq(const json& obj, int64_t* seq) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadNonNegative(obj, fields::kSeq, Presence::kRequired, seq)));
  if (*seq < 1) return BadRequest("seq must be a message's seq (1 or more)");
  return std::nullopt;
}

// The optional `mentions` of a send or an edit.
Error ReadMentions(const json& obj, std::vector<std::string>* mentions) {
  return ReadUsers(obj, fields::kMentions, Presence::kOptional, 0, mentions, kMaxMentions);
}

Error ParseBody(const json& obj, const RequestLimits& limits, SendRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadClientMsgId(obj, &body->client_msg_id));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadMentions(obj, &body->mentions));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadNonNegative(obj, fields::kReplyTo, Presence::kOptional, &body->reply_to)));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadAttachmentIds(obj, &body->attachments));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kText, Presence::kRequired, &body->text)));
  // A message of attachments only may have no text.
  if (body->text.empty() && !body->attachments.empty()) return std::nullopt;
  return ValidateMessageText(body->text, limits.max_message_chars);
}

Error ParseBody(const json& obj, const RequestLimits& limits, EditRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadClientMsgId(obj, &body->client_msg_id));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadMentions(obj, &body->mentions));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadTargetSeq(obj, &body->seq));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kText, Presence::kRequired, &body->text)));
  return ValidateMessageText(body->text, limits.max_message_chars);
}

Error ParseBody(const json& obj, const RequestLimits&, DeleteRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadClientMsgId(obj, &body->client_msg_id));
  return ReadTargetSeq(obj, &body->seq);
}

Error ParseBody(const json& obj, const RequestLimits&, ReactRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadClientMsgId(obj, &body->client_msg_id));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadTargetSeq(obj, &body->seq));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadBool(obj, fields::kRemove, Presence::kOptional, &body->remove)));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadString(obj, fields::kEmoji, Presence::kRequired, &body->emoji)));
  return ValidateEmoji(body->emoji);
}

Error ParseBody(const json& obj, const RequestLimits&, HistoryRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadNonNegative(obj, fields::kAfterSeq, Presence::kOptional, &body->after_seq)));
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(
      FromStatus(ReadNonNegative(obj, fields::kBeforeSeq, Presence::kOptional, &body->before_seq)));
  if (body->after_seq > 0 && body->before_seq > 0) {
    return BadRequest("give after_seq or before_seq, not both");
  }
  return ReadLimit(obj, &body->limit);
}

Error ParseBody(const json& obj, const RequestLimits&, ReadRequest* body) {
  return FromStatus(ReadNonNegative(obj, fields::kSeq, Presence::kRequired, &body->seq));
}

Error ParseBody(const json&, const RequestLimits&, MembersRequest*) { return std::nullopt; }
Error ParseBody(const json&, const RequestLimits&, LeaveRequest*) { return std::nullopt; }
Error ParseBody(const json&, const RequestLimits&, ConversationsRequest*) { return std::nullopt; }

Error ParseBody(const json& obj, const RequestLimits&, AddMembersRequest* body) {
  return ReadUsers(obj, fields::kUsers, Presence::kRequired, 1, &body->users);
}

Error ParseBody(const json& obj, const RequestLimits&, RemoveMemberRequest* body) {
  return ReadUser(obj, fields::kUser, &body->user);
}

Error ParseBody(const json& obj, const RequestLimits&, RenameRequest* body) {
  return ReadName(obj, &body->name);
}

Error ParseBody(const json& obj, const RequestLimits&, TypingRequest* body) {
  return FromStatus(ReadBool(obj, fields::kTyping, Presence::kOptional, &body->typing));
}

Error ParseBody(const json& obj, const RequestLimits&, OpenDirectRequest* body) {
  return ReadUser(obj, fields::kUser, &body->user);
}

Error ParseBody(const json& obj, const RequestLimits&, CreateGroupRequest* body) {
  MQCHAT_RETURN_IF_PROTOCOL_ERROR(ReadName(obj, &body->name));
  return ReadUsers(obj, fields::kMembers, Presence::kOptional, 0, &body->members);
}

Error ParseBody(const json& obj, const RequestLimits&, SyncRequest* body) {
  if (const json* cursors = FindField(obj, fields::kCursors)) {
    if (!cursors->is_object()) {
      return BadRequest("cursors must be an object of conversation id -> seq");
    }
    if (cursors->size() > kMaxSyncCursors) {
      return BadRequest("cursors has " + std::to_string(cursors->size()) +
                        " entries; the limit is " + std::to_string(kMaxSyncCursors));
    }
    body->cursors.reserve(cursors->size());
    for (auto it = cursors->begin(); it != cursors->end(); ++it) {
      auto id = ParseId(it.key());
      if (!id) return BadRequest("cursors keys must be positive decimal conversation ids");
      int64_t seq = 0;
      MQCHAT_RETURN_IF_PROTOCOL_ERROR(
          FromStatus(NonNegativeFromJson(it.value(), "cursors[\"" + it.key() + "\"]", &seq)));
      body->cursors.emplace_back(*id, seq);
    }
  }
  return ReadLimit(obj, &body->limit);
}

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
    return BadRequest("details: at most " + std::to_string(kMaxReportDetailsChars) +
                      " characters");
  }
  return std::nullopt;
}

Error Invalid(std::string message) {
  return ProtocolError{ErrorCode::kInvalid, std::move(message)};
}

// A query is INVALID when empty, only white space, or too long; the plugin also refuses one
// without any word (only punctuation or emoji), which it alone can tell.
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

// Builds the body alternative of `op` and parses it from `obj`.
Error ParseBodyFor(Op op, const json& obj, const RequestLimits& limits, RequestBody* body) {
  switch (op) {
#define MQCHAT_BODY_CASE(kOp, Type) \
  case Op::kOp:                     \
    return ParseBody(obj, limits, &body->emplace<Type>());
    MQCHAT_BODY_CASE(kSend, SendRequest)
    MQCHAT_BODY_CASE(kHistory, HistoryRequest)
    MQCHAT_BODY_CASE(kRead, ReadRequest)
    MQCHAT_BODY_CASE(kMembers, MembersRequest)
    MQCHAT_BODY_CASE(kAddMembers, AddMembersRequest)
    MQCHAT_BODY_CASE(kRemoveMember, RemoveMemberRequest)
    MQCHAT_BODY_CASE(kLeave, LeaveRequest)
    MQCHAT_BODY_CASE(kRename, RenameRequest)
    MQCHAT_BODY_CASE(kTyping, TypingRequest)
    MQCHAT_BODY_CASE(kMute, MuteRequest)
    MQCHAT_BODY_CASE(kEdit, EditRequest)
    MQCHAT_BODY_CASE(kDelete, DeleteRequest)
    MQCHAT_BODY_CASE(kReact, ReactRequest)
    MQCHAT_BODY_CASE(kOpenDirect, OpenDirectRequest)
    MQCHAT_BODY_CASE(kCreateGroup, CreateGroupRequest)
    MQCHAT_BODY_CASE(kConversations, ConversationsRequest)
    MQCHAT_BODY_CASE(kSync, SyncRequest)
    MQCHAT_BODY_CASE(kPushRegister, PushRegisterRequest)
    MQCHAT_BODY_CASE(kPushUnregister, PushUnregisterRequest)
    MQCHAT_BODY_CASE(kPushSettings, PushSettingsRequest)
    MQCHAT_BODY_CASE(kBlock, BlockRequest)
    MQCHAT_BODY_CASE(kUnblock, UnblockRequest)
    MQCHAT_BODY_CASE(kBlocks, BlocksRequest)
    MQCHAT_BODY_CASE(kSetDmPolicy, SetDmPolicyRequest)
    MQCHAT_BODY_CASE(kReport, ReportRequest)
    MQCHAT_BODY_CASE(kSearch, SearchRequest)
    MQCHAT_BODY_CASE(kSetRetention, SetRetentionRequest)
    MQCHAT_BODY_CASE(kSetSlowMode, SetSlowModeRequest)
#undef MQCHAT_BODY_CASE
  }
  return ProtocolError{ErrorCode::kInternal, "op without a parser"};
}

// An unparsable payload that looks like a JSON object but is not UTF-8 is INVALID_UTF8 (the
// JSON parser refuses ill-formed bytes inside strings, most likely in the text); anything else
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
  return ParseBodyFor(op, obj, limits, body);
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
    parsed.error = ParseBodyFor(*parsed.op, doc, limits, &parsed.request.body);
  }
  return parsed;
}

std::string_view ResponseOpName(const ParsedRequest& parsed) {
  if (parsed.op) return OpName(*parsed.op);
  return parsed.op_name.empty() ? values::kUnknownOpName : std::string_view(parsed.op_name);
}

}  // namespace mqchat::protocol
