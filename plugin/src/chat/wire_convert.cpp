#include "chat/wire_convert.h"

namespace mqchat::chat {

const char* RoleName(store::MemberRole role) {
  switch (role) {
    case store::MemberRole::kOwner: return "owner";
    case store::MemberRole::kAdmin: return "admin";
    case store::MemberRole::kMember: return "member";
  }
  return "member";
}

const char* KindName(store::ConversationKind kind) {
  return kind == store::ConversationKind::kDirect ? "direct" : "group";
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
  w.members = s.members;
  if (s.last_message) w.last_message = ToWire(*s.last_message);
  return w;
}

}  // namespace mqchat::chat
