// The bodies of send, edit, delete, react, history, read and typing (request_body_parsers.h).
#include "protocol/attachments.h"
#include "protocol/emoji.h"
#include "protocol/fields.h"
#include "protocol/identity.h"
#include "protocol/request_body_parsers.h"

namespace mqchat::protocol::request_parsing {

using nlohmann::json;

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

Error ParseBody(const json& obj, const RequestLimits&, TypingRequest* body) {
  return FromStatus(ReadBool(obj, fields::kTyping, Presence::kOptional, &body->typing));
}

}  // namespace mqchat::protocol::request_parsing
