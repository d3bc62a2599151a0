// Encoders of wire.h: what the plugin publishes.
#include "protocol/wire.h"

#include "protocol/call.h"
#include "protocol/fields.h"
#include "protocol/ids.h"
#include "protocol/json_util.h"
#include "protocol/json_writer.h"

namespace mqchat::protocol {

using nlohmann::json;

json EncodeMessage(const WireMessage& m) {
  json out{{fields::kConversationId, FormatId(m.conversation_id)},
           {fields::kSeq, m.seq},
           {fields::kMessageId, FormatId(m.message_id)},
           {fields::kSender, m.sender},
           {fields::kClientMsgId, m.client_msg_id},
           {fields::kText, m.text},
           {fields::kSentAtMs, m.sent_at_ms}};
  if (!m.kind.empty()) out[fields::kKind] = m.kind;
  if (m.target_seq > 0) out[fields::kTargetSeq] = m.target_seq;
  if (m.reply_to > 0) out[fields::kReplyTo] = m.reply_to;
  if (m.edited_at_ms > 0) out[fields::kEditedAtMs] = m.edited_at_ms;
  if (m.deleted) out[fields::kDeleted] = true;
  if (!m.mentions.empty()) out[fields::kMentions] = m.mentions;
  if (!m.attachments.empty()) out[fields::kAttachments] = EncodeAttachments(m.attachments);
  if (m.call.has_value()) out[call_fields::kCall] = EncodeCallRecord(*m.call);
  if (!m.reactions.empty()) {
    json reactions = json::array();
    for (const auto& r : m.reactions) {
      reactions.push_back(
          json{{fields::kEmoji, r.emoji}, {fields::kCount, r.count}, {fields::kMine, r.mine}});
    }
    out[fields::kReactions] = std::move(reactions);
  }
  if (m.reply.has_value()) {
    out[fields::kReply] = json{{fields::kSeq, m.reply->seq},
                               {fields::kSender, m.reply->sender},
                               {fields::kSnippet, m.reply->snippet},
                               {fields::kDeleted, m.reply->deleted}};
  }
  return out;
}

json EncodeMember(const WireMember& m) {
  return json{{fields::kUser, m.user}, {fields::kRole, m.role}, {fields::kReadSeq, m.read_seq}};
}

json EncodeConversation(const WireConversation& c) {
  json members = json::array();
  for (const auto& member : c.members) members.push_back(EncodeMember(member));
  json out{{fields::kConversationId, FormatId(c.conversation_id)},
           {fields::kKind, c.kind},
           {fields::kName, c.name},
           {fields::kLastSeq, c.last_seq},
           {fields::kMembers, std::move(members)}};
  if (c.slow_mode_s > 0) out[fields::kSlowModeS] = c.slow_mode_s;
  return out;
}

json EncodeSummary(const WireSummary& s) {
  json out{{fields::kConversationId, FormatId(s.conversation_id)},
           {fields::kKind, s.kind},
           {fields::kName, s.name},
           {fields::kLastSeq, s.last_seq},
           {fields::kReadSeq, s.read_seq},
           {fields::kUnread, s.unread},
           {fields::kMutedUntilMs, s.muted_until_ms},
           {fields::kUnreadMentions, s.unread_mentions},
           {fields::kMembers, s.members},
           {fields::kLastMessage, s.last_message ? EncodeMessage(*s.last_message) : json()}};
  if (s.slow_mode_s > 0) out[fields::kSlowModeS] = s.slow_mode_s;
  return out;
}

json EncodeAck(const WireAck& a) {
  return json{{fields::kConversationId, FormatId(a.conversation_id)},
              {fields::kSeq, a.seq},
              {fields::kMessageId, FormatId(a.message_id)},
              {fields::kClientMsgId, a.client_msg_id},
              {fields::kServerTimeMs, a.server_time_ms},
              {fields::kDuplicate, a.duplicate}};
}

json EncodeSyncConversation(const WireSyncConversation& s) {
  json messages = json::array();
  for (const auto& message : s.messages) messages.push_back(EncodeMessage(message));
  json out{{fields::kConversationId, FormatId(s.conversation_id)},
           {fields::kLastSeq, s.last_seq},
           {fields::kMessages, std::move(messages)},
           {fields::kHasMore, s.has_more}};
  if (s.expired_through_seq > 0) out[fields::kExpiredThroughSeq] = s.expired_through_seq;
  return out;
}

std::string OkResponse(Op op, const std::string& req_id, json result) {
  return OkResponse(OpName(op), req_id, std::move(result));
}

std::string OkResponse(std::string_view op_name, const std::string& req_id, json result) {
  json out = result.is_object() ? std::move(result) : json::object();
  out[fields::kOp] = op_name;
  out[fields::kOk] = true;
  if (req_id.empty()) {
    out.erase(std::string(fields::kReqId));
  } else {
    out[fields::kReqId] = req_id;
  }
  return DumpJson(out);
}

std::string ErrorResponse(std::string_view op_name, const std::string& req_id,
                          const ProtocolError& error) {
  json out = json::object();
  out[fields::kOp] = op_name.empty() ? values::kUnknownOpName : op_name;
  out[fields::kOk] = false;
  if (!req_id.empty()) out[fields::kReqId] = req_id;
  out[fields::kError] = json{{fields::kCode, ErrorCodeName(error.code)},
                             {fields::kMessage, error.message},
                             {fields::kRetryable, IsRetryable(error.code)}};
  if (error.retry_after_ms > 0) out[fields::kError][fields::kRetryAfterMs] = error.retry_after_ms;
  return DumpJson(out);
}

std::string SendAckResponse(const std::string& req_id, const WireAck& a, Op op) {
  JsonObjectWriter w;
  w.String(fields::kOp, OpName(op)).Bool(fields::kOk, true);
  if (!req_id.empty()) w.String(fields::kReqId, req_id);
  return w.String(fields::kConversationId, FormatId(a.conversation_id))
      .Int(fields::kSeq, a.seq)
      .String(fields::kMessageId, FormatId(a.message_id))
      .String(fields::kClientMsgId, a.client_msg_id)
      .Int(fields::kServerTimeMs, a.server_time_ms)
      .Bool(fields::kDuplicate, a.duplicate)
      .Finish();
}

std::string MessageEvent(const WireMessage& m) {
  JsonObjectWriter w(m.text.size() + m.sender.size() + m.client_msg_id.size() + 192);
  w.String(fields::kType, values::kEventTypeMessage)
      .String(fields::kConversationId, FormatId(m.conversation_id))
      .Int(fields::kSeq, m.seq)
      .String(fields::kMessageId, FormatId(m.message_id))
      .String(fields::kSender, m.sender)
      .String(fields::kClientMsgId, m.client_msg_id)
      .String(fields::kText, m.text)
      .Int(fields::kSentAtMs, m.sent_at_ms);
  // Live events carry no reactions or quotes (those are history's); the rest as EncodeMessage.
  if (!m.kind.empty()) w.String(fields::kKind, m.kind);
  if (m.target_seq > 0) w.Int(fields::kTargetSeq, m.target_seq);
  if (m.reply_to > 0) w.Int(fields::kReplyTo, m.reply_to);
  if (m.edited_at_ms > 0) w.Int(fields::kEditedAtMs, m.edited_at_ms);
  if (m.deleted) w.Bool(fields::kDeleted, true);
  if (!m.mentions.empty()) w.StringArray(fields::kMentions, m.mentions);
  if (!m.attachments.empty()) w.RawJson(fields::kAttachments, AttachmentsText(m.attachments));
  if (m.call.has_value()) w.RawJson(call_fields::kCall, DumpJson(EncodeCallRecord(*m.call)));
  return w.Finish();
}

std::string ReadEvent(int64_t conversation_id, const std::string& user, int64_t read_seq) {
  return DumpJson(json{{fields::kType, values::kEventTypeRead},
                       {fields::kConversationId, FormatId(conversation_id)},
                       {fields::kUser, user},
                       {fields::kReadSeq, read_seq}});
}

std::string MuteEvent(int64_t conversation_id, int64_t until_ms) {
  return DumpJson(json{{fields::kType, values::kEventTypeMute},
                       {fields::kConversationId, FormatId(conversation_id)},
                       {fields::kUntilMs, until_ms}});
}

std::string ConversationEvent(std::string_view event, const WireConversation& conversation,
                              const std::string& actor, const std::vector<std::string>& users) {
  return DumpJson(json{{fields::kType, values::kEventTypeConversation},
                       {fields::kEvent, event},
                       {fields::kConversation, EncodeConversation(conversation)},
                       {fields::kActor, actor},
                       {fields::kUsers, users}});
}

std::string TypingEvent(int64_t conversation_id, const std::string& user, bool typing) {
  return DumpJson(json{{fields::kType, values::kEventTypeTyping},
                       {fields::kConversationId, FormatId(conversation_id)},
                       {fields::kUser, user},
                       {fields::kTyping, typing}});
}

}  // namespace mqchat::protocol
