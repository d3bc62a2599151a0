#include "chat/wire_convert.h"

#include "protocol/fields.h"

namespace mqchat::chat {

namespace values = protocol::values;

std::string_view RoleName(store::MemberRole role) {
  switch (role) {
    case store::MemberRole::kOwner:
      return values::kRoleOwner;
    case store::MemberRole::kAdmin:
      return values::kRoleAdmin;
    case store::MemberRole::kMember:
      return values::kRoleMember;
  }
  return values::kRoleMember;
}

std::string_view KindName(store::ConversationKind kind) {
  return kind == store::ConversationKind::kDirect ? values::kKindDirect : values::kKindGroup;
}

protocol::WireMessage ToWire(const store::StoredMessage& m) {
  protocol::WireMessage w;
  w.conversation_id = m.conversation_id;
  w.seq = m.seq;
  w.message_id = m.message_id;
  w.sender = m.sender;
  w.client_msg_id = m.client_msg_id;
  w.text = m.text;
  w.sent_at_ms = m.created_at_ms;
  w.kind = EventKindName(m.kind);
  if (m.kind == store::EventKind::kMessage) {
    w.reply_to = m.target_seq;
  } else {
    w.target_seq = m.target_seq;
  }
  w.edited_at_ms = m.edited_at_ms;
  w.deleted = m.deleted_at_ms > 0;
  w.mentions = m.mentions;
  w.attachments = m.attachments;
  if (m.kind == store::EventKind::kCall) {  // the body is the record (protocol/call_record.h)
    w.call = protocol::ParseCallRecord(m.text);
    w.text.clear();
  }
  return w;
}

protocol::WireMessage ToWire(const store::MessageView& v) {
  protocol::WireMessage w = ToWire(v.message);
  for (const auto& r : v.reactions) w.reactions.push_back({r.emoji, r.count, r.mine});
  if (v.reply) {
    w.reply = protocol::WireReplyQuote{v.reply->seq, v.reply->sender, v.reply->snippet,
                                       v.reply->deleted};
  }
  return w;
}

std::string_view EventKindName(store::EventKind kind) {
  switch (kind) {
    case store::EventKind::kMessage:
      return "";
    case store::EventKind::kEdit:
      return values::kEventEdit;
    case store::EventKind::kDelete:
      return values::kEventDelete;
    case store::EventKind::kReactionAdd:
      return values::kEventReact;
    case store::EventKind::kReactionRemove:
      return values::kEventUnreact;
    case store::EventKind::kCall:
      return values::kEventCall;
  }
  return "";
}

protocol::WireMember ToWire(const store::Member& m) {
  protocol::WireMember w;
  w.user = m.username;
  w.role = RoleName(m.role);
  w.read_seq = m.read_seq;
  return w;
}

protocol::WireConversation ToWire(const store::Conversation& c) {
  protocol::WireConversation w;
  w.conversation_id = c.id;
  w.kind = KindName(c.kind);
  w.name = c.name;
  w.last_seq = c.last_seq;
  for (const auto& m : c.members) w.members.push_back(ToWire(m));
  w.slow_mode_s = c.slow_mode_s;
  return w;
}

protocol::WireSummary ToWire(const store::ConversationSummary& s) {
  protocol::WireSummary w;
  w.conversation_id = s.id;
  w.kind = KindName(s.kind);
  w.name = s.name;
  w.last_seq = s.last_seq;
  w.read_seq = s.read_seq;
  w.unread = s.unread;
  w.muted_until_ms = s.muted_until_ms;
  w.slow_mode_s = s.slow_mode_s;
  w.unread_mentions = s.unread_mentions;
  w.members = s.members;
  if (s.last_message) w.last_message = ToWire(*s.last_message);
  return w;
}

}  // namespace mqchat::chat
