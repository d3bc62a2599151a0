// Decoders of wire.h: what the SDK reads.
#include <nlohmann/json.hpp>

#include "protocol/call.h"
#include "protocol/decode_util.h"
#include "protocol/fields.h"
#include "protocol/json_util.h"
#include "protocol/wire.h"

namespace mqchat::protocol {
namespace {

using nlohmann::json;
constexpr Presence kRequired = Presence::kRequired;
constexpr Presence kOptional = Presence::kOptional;

Result<json> ParseObject(std::string_view payload, std::string_view what) {
  json doc = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::InvalidArgument(std::string(what) + " is not JSON");
  MQCHAT_RETURN_IF_ERROR(RequireObject(doc, what));
  return doc;
}

Result<WireReaction> DecodeReaction(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "reaction"));
  WireReaction r;
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kEmoji, kRequired, &r.emoji));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kCount, kRequired, &r.count));
  MQCHAT_RETURN_IF_ERROR(ReadBool(j, fields::kMine, kRequired, &r.mine));
  return r;
}

}  // namespace

Result<WireMessage> DecodeMessage(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "message"));
  WireMessage m;
  MQCHAT_RETURN_IF_ERROR(ReadId(j, fields::kConversationId, kRequired, &m.conversation_id));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kSeq, kRequired, &m.seq));
  MQCHAT_RETURN_IF_ERROR(ReadId(j, fields::kMessageId, kRequired, &m.message_id));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kSender, kRequired, &m.sender));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kClientMsgId, kRequired, &m.client_msg_id));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kText, kRequired, &m.text));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kSentAtMs, kRequired, &m.sent_at_ms));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kKind, kOptional, &m.kind));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kTargetSeq, kOptional, &m.target_seq));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kReplyTo, kOptional, &m.reply_to));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kEditedAtMs, kOptional, &m.edited_at_ms));
  MQCHAT_RETURN_IF_ERROR(ReadBool(j, fields::kDeleted, kOptional, &m.deleted));
  MQCHAT_RETURN_IF_ERROR(
      ReadStringArray(j, fields::kMentions, kOptional, kMaxArrayEntries, &m.mentions));
  MQCHAT_RETURN_IF_ERROR(ReadAttachments(j, &m.attachments));
  if (const json* call = FindField(j, call_fields::kCall); call != nullptr && !call->is_null()) {
    m.call = DecodeCallRecord(*call);  // a record this build cannot read: an entry without it
  }
  if (FindField(j, fields::kReactions) != nullptr) {
    MQCHAT_RETURN_IF_ERROR(ReadObjectArray(j, fields::kReactions, DecodeReaction, &m.reactions));
  }
  if (const json* reply = FindField(j, fields::kReply); reply != nullptr && !reply->is_null()) {
    MQCHAT_RETURN_IF_ERROR(RequireObject(*reply, fields::kReply));
    WireReplyQuote q;
    MQCHAT_RETURN_IF_ERROR(ReadNonNegative(*reply, fields::kSeq, kRequired, &q.seq));
    MQCHAT_RETURN_IF_ERROR(ReadString(*reply, fields::kSender, kRequired, &q.sender));
    MQCHAT_RETURN_IF_ERROR(ReadString(*reply, fields::kSnippet, kRequired, &q.snippet));
    MQCHAT_RETURN_IF_ERROR(ReadBool(*reply, fields::kDeleted, kRequired, &q.deleted));
    m.reply = std::move(q);
  }
  return m;
}

Result<WireMember> DecodeMember(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "member"));
  WireMember m;
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kUser, kRequired, &m.user));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kRole, kRequired, &m.role));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kReadSeq, kRequired, &m.read_seq));
  return m;
}

Result<WireConversation> DecodeConversation(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "conversation"));
  WireConversation c;
  MQCHAT_RETURN_IF_ERROR(ReadId(j, fields::kConversationId, kRequired, &c.conversation_id));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kKind, kRequired, &c.kind));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kName, kRequired, &c.name));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kLastSeq, kRequired, &c.last_seq));
  MQCHAT_RETURN_IF_ERROR(ReadObjectArray(j, fields::kMembers, DecodeMember, &c.members));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kSlowModeS, kOptional, &c.slow_mode_s));
  return c;
}

namespace {

// A mute time: -1 (for good), 0 (not muted) or a Unix time in ms.
Status ReadMuteUntil(const json& j, std::string_view key, Presence presence, int64_t* out) {
  const json* value = FindField(j, key);
  if (value == nullptr) {
    return presence == kRequired ? Status::InvalidArgument(std::string(key) + " is missing")
                                 : Status::Ok();
  }
  const bool in_range = value->is_number_integer() &&
                        !(value->is_number_unsigned() &&
                          value->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) &&
                        value->get<int64_t>() >= -1;
  if (!in_range) return Status::InvalidArgument(std::string(key) + " must be -1, 0 or a time in ms");
  *out = value->get<int64_t>();
  return Status::Ok();
}

}  // namespace

Result<WireSummary> DecodeSummary(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "summary"));
  WireSummary s;
  MQCHAT_RETURN_IF_ERROR(ReadId(j, fields::kConversationId, kRequired, &s.conversation_id));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kKind, kRequired, &s.kind));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kName, kRequired, &s.name));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kLastSeq, kRequired, &s.last_seq));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kReadSeq, kRequired, &s.read_seq));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kUnread, kRequired, &s.unread));
  MQCHAT_RETURN_IF_ERROR(ReadMuteUntil(j, fields::kMutedUntilMs, kOptional, &s.muted_until_ms));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kSlowModeS, kOptional, &s.slow_mode_s));
  MQCHAT_RETURN_IF_ERROR(
      ReadNonNegative(j, fields::kUnreadMentions, kOptional, &s.unread_mentions));
  MQCHAT_RETURN_IF_ERROR(
      ReadStringArray(j, fields::kMembers, kRequired, kMaxArrayEntries, &s.members));
  if (const json* last = FindField(j, fields::kLastMessage)) {
    auto message = DecodeMessage(*last);
    if (!message.ok()) return message.status().WithContext(fields::kLastMessage);
    s.last_message = std::move(message).value();
  }
  return s;
}

Result<WireAck> DecodeAck(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "ack"));
  WireAck a;
  MQCHAT_RETURN_IF_ERROR(ReadId(j, fields::kConversationId, kRequired, &a.conversation_id));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kSeq, kRequired, &a.seq));
  MQCHAT_RETURN_IF_ERROR(ReadId(j, fields::kMessageId, kRequired, &a.message_id));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kClientMsgId, kRequired, &a.client_msg_id));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kServerTimeMs, kRequired, &a.server_time_ms));
  MQCHAT_RETURN_IF_ERROR(ReadBool(j, fields::kDuplicate, kRequired, &a.duplicate));
  return a;
}

Result<WireSyncConversation> DecodeSyncConversation(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "sync conversation"));
  WireSyncConversation s;
  MQCHAT_RETURN_IF_ERROR(ReadId(j, fields::kConversationId, kRequired, &s.conversation_id));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kLastSeq, kRequired, &s.last_seq));
  MQCHAT_RETURN_IF_ERROR(ReadObjectArray(j, fields::kMessages, DecodeMessage, &s.messages));
  MQCHAT_RETURN_IF_ERROR(ReadBool(j, fields::kHasMore, kRequired, &s.has_more));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kExpiredThroughSeq, Presence::kOptional,
                                         &s.expired_through_seq));
  return s;
}

WireSyncPage DecodeSyncPage(const json& body) {
  WireSyncPage page;
  const json* list = FindField(body, fields::kConversations);
  if (list == nullptr || !list->is_array()) return page;
  for (const auto& item : *list) {
    auto sc = DecodeSyncConversation(item);
    if (!sc.ok()) {
      page.bad_entries.push_back(sc.status());
      continue;
    }
    page.more = page.more || sc->has_more;
    page.conversations.push_back(std::move(sc).value());
  }
  return page;
}

Result<WireReadEvent> DecodeReadEvent(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "read event"));
  WireReadEvent e;
  MQCHAT_RETURN_IF_ERROR(ReadId(j, fields::kConversationId, kRequired, &e.conversation_id));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kUser, kRequired, &e.user));
  MQCHAT_RETURN_IF_ERROR(ReadNonNegative(j, fields::kReadSeq, kRequired, &e.read_seq));
  return e;
}

Result<WireMuteEvent> DecodeMuteEvent(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "mute event"));
  WireMuteEvent e;
  MQCHAT_RETURN_IF_ERROR(ReadId(j, fields::kConversationId, kRequired, &e.conversation_id));
  MQCHAT_RETURN_IF_ERROR(ReadMuteUntil(j, fields::kUntilMs, kRequired, &e.until_ms));
  return e;
}

Result<WireConversationEvent> DecodeConversationEvent(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "conversation event"));
  WireConversationEvent e;
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kEvent, kRequired, &e.event));
  const json* conversation = FindField(j, fields::kConversation);
  if (conversation == nullptr) return Status::InvalidArgument("conversation is missing");
  auto decoded = DecodeConversation(*conversation);
  if (!decoded.ok()) return decoded.status();
  e.conversation = std::move(decoded).value();
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kActor, kRequired, &e.actor));
  MQCHAT_RETURN_IF_ERROR(ReadStringArray(j, fields::kUsers, kOptional, kMaxArrayEntries, &e.users));
  return e;
}

Result<WireTypingEvent> DecodeTypingEvent(const json& j) {
  MQCHAT_RETURN_IF_ERROR(RequireObject(j, "typing event"));
  WireTypingEvent e;
  MQCHAT_RETURN_IF_ERROR(ReadId(j, fields::kConversationId, kRequired, &e.conversation_id));
  MQCHAT_RETURN_IF_ERROR(ReadString(j, fields::kUser, kRequired, &e.user));
  MQCHAT_RETURN_IF_ERROR(ReadBool(j, fields::kTyping, kRequired, &e.typing));
  return e;
}

Result<Response> DecodeResponse(std::string_view payload) {
  MQCHAT_ASSIGN_OR_RETURN(json doc, ParseObject(payload, "response"));
  Response r;
  MQCHAT_RETURN_IF_ERROR(ReadString(doc, fields::kOp, kRequired, &r.op));
  MQCHAT_RETURN_IF_ERROR(ReadBool(doc, fields::kOk, kRequired, &r.ok));
  MQCHAT_RETURN_IF_ERROR(ReadString(doc, fields::kReqId, kOptional, &r.req_id));
  if (!r.ok) {
    const json* error = FindField(doc, fields::kError);
    if (error == nullptr) return Status::InvalidArgument("error is missing");
    MQCHAT_RETURN_IF_ERROR(RequireObject(*error, fields::kError));
    std::string code_name;
    std::string message;
    MQCHAT_RETURN_IF_ERROR(ReadString(*error, fields::kCode, kRequired, &code_name));
    MQCHAT_RETURN_IF_ERROR(ReadString(*error, fields::kMessage, kOptional, &message));
    int64_t retry_after_ms = 0;
    MQCHAT_RETURN_IF_ERROR(
        ReadNonNegative(*error, fields::kRetryAfterMs, kOptional, &retry_after_ms));
    if (auto code = ParseErrorCode(code_name)) {
      r.error = ProtocolError{*code, std::move(message), retry_after_ms};
    } else {
      // A code from a newer server: keep its name so nothing is lost.
      r.error = ProtocolError{ErrorCode::kInternal, code_name + ": " + message};
    }
  }
  r.body = std::move(doc);
  return r;
}

Result<InboxEvent> DecodeInboxEvent(std::string_view payload) {
  MQCHAT_ASSIGN_OR_RETURN(json doc, ParseObject(payload, "event"));
  InboxEvent e;
  MQCHAT_RETURN_IF_ERROR(ReadString(doc, fields::kType, kRequired, &e.type));
  e.body = std::move(doc);
  return e;
}

}  // namespace mqchat::protocol
