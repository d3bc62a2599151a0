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
  return w;
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
  w.members = s.members;
  if (s.last_message) w.last_message = ToWire(*s.last_message);
  return w;
}

}  // namespace mqchat::chat
