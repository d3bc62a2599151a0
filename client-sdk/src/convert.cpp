#include "convert.h"

#include <algorithm>

#include "protocol/fields.h"
#include "protocol/search.h"

namespace mqchat::sdk {

namespace values = protocol::values;

MemberRole RoleFromString(std::string_view role) {
  if (role == values::kRoleOwner) return MemberRole::kOwner;
  if (role == values::kRoleAdmin) return MemberRole::kAdmin;
  return MemberRole::kMember;
}

std::string_view RoleName(MemberRole role) {
  switch (role) {
    case MemberRole::kOwner: return values::kRoleOwner;
    case MemberRole::kAdmin: return values::kRoleAdmin;
    case MemberRole::kMember: break;
  }
  return values::kRoleMember;
}

ConversationKind KindFromString(std::string_view kind) {
  if (kind == values::kKindGroup) return ConversationKind::kGroup;
  if (kind == values::kKindChannel) return ConversationKind::kChannel;
  return ConversationKind::kDirect;
}

std::string_view KindName(ConversationKind kind) {
  switch (kind) {
    case ConversationKind::kGroup: return values::kKindGroup;
    case ConversationKind::kChannel: return values::kKindChannel;
    case ConversationKind::kDirect: break;
  }
  return values::kKindDirect;
}

Message FromWire(const protocol::WireMessage& m) {
  Message out;
  out.conversation_id = m.conversation_id;
  out.seq = m.seq;
  out.message_id = m.message_id;
  out.sender = m.sender;
  out.client_msg_id = m.client_msg_id;
  out.text = m.text;
  out.sent_at_ms = m.sent_at_ms;
  out.reply_to = m.reply_to;
  out.edited_at_ms = m.edited_at_ms;
  out.deleted = m.deleted;
  for (const auto& r : m.reactions) out.reactions.push_back(Reaction{r.emoji, r.count, r.mine});
  for (const auto& a : m.attachments) {
    out.attachments.push_back(
        Attachment{a.id, a.name, a.content_type, a.size, a.width, a.height, a.thumbnail});
  }
  if (m.reply) {
    out.reply = ReplyQuote{m.reply->seq, m.reply->sender, m.reply->snippet, m.reply->deleted};
  }
  if (m.call) out.call = FromWire(*m.call);
  return out;
}

CallOutcome FromWire(const protocol::CallRecord& r) {
  return CallOutcome{r.call_id, r.outcome, r.video, r.duration_ms, r.participants, r.declined};
}

protocol::CallRecord ToWire(const CallOutcome& c) {
  return protocol::CallRecord{c.call_id,     c.outcome,      c.video,
                              c.duration_ms, c.participants, c.declined};
}

Member FromWire(const protocol::WireMember& m) {
  return Member{m.user, RoleFromString(m.role), m.read_seq};
}

Conversation FromWire(const protocol::WireConversation& c) {
  Conversation out;
  out.id = c.conversation_id;
  out.kind = KindFromString(c.kind);
  out.name = c.name;
  out.last_seq = c.last_seq;
  for (const auto& m : c.members) out.members.push_back(FromWire(m));
  out.slow_mode_s = c.slow_mode_s;
  return out;
}

ConversationSummary FromWire(const protocol::WireSummary& s) {
  ConversationSummary out;
  out.id = s.conversation_id;
  out.kind = KindFromString(s.kind);
  out.name = s.name;
  out.last_seq = s.last_seq;
  out.read_seq = s.read_seq;
  out.unread = s.unread;
  out.muted_until_ms = s.muted_until_ms;
  out.slow_mode_s = s.slow_mode_s;
  out.members = s.members;
  if (s.last_message) out.last_message = FromWire(*s.last_message);
  return out;
}

Ack FromWire(const protocol::WireAck& a) {
  return Ack{a.conversation_id, a.seq, a.message_id, a.client_msg_id, a.server_time_ms,
             a.duplicate};
}

protocol::WireMessage ToWire(const Message& m) {
  protocol::WireMessage out;
  out.conversation_id = m.conversation_id;
  out.seq = m.seq;
  out.message_id = m.message_id;
  out.sender = m.sender;
  out.client_msg_id = m.client_msg_id;
  out.text = m.text;
  out.sent_at_ms = m.sent_at_ms;
  out.reply_to = m.reply_to;
  out.edited_at_ms = m.edited_at_ms;
  out.deleted = m.deleted;
  for (const auto& r : m.reactions) {
    out.reactions.push_back(protocol::WireReaction{r.emoji, r.count, r.mine});
  }
  for (const auto& a : m.attachments) {
    out.attachments.push_back(protocol::WireAttachment{a.id, a.name, a.content_type, a.size,
                                                       a.width, a.height, a.thumbnail});
  }
  if (m.reply) {
    out.reply = protocol::WireReplyQuote{m.reply->seq, m.reply->sender, m.reply->snippet,
                                         m.reply->deleted};
  }
  if (m.call) {
    out.kind = std::string(protocol::values::kEventCall);
    out.call = ToWire(*m.call);
  }
  return out;
}

protocol::WireSummary ToWire(const ConversationSummary& s) {
  protocol::WireSummary w;
  w.conversation_id = s.id;
  w.kind = KindName(s.kind);
  w.name = s.name;
  w.last_seq = s.last_seq;
  w.read_seq = s.read_seq;
  w.unread = s.unread;
  w.muted_until_ms = s.muted_until_ms;
  w.slow_mode_s = s.slow_mode_s;
  w.members = s.members;
  if (s.last_message) w.last_message = ToWire(*s.last_message);
  return w;
}

protocol::WireAck ToWire(const Ack& a) {
  return protocol::WireAck{a.conversation_id, a.seq,           a.message_id,
                           a.client_msg_id,   a.server_time_ms, a.duplicate};
}

ReadEvent FromWire(const protocol::WireReadEvent& e) {
  return ReadEvent{e.conversation_id, e.user, e.read_seq};
}

TypingEvent FromWire(const protocol::WireTypingEvent& e) {
  return TypingEvent{e.conversation_id, e.user, e.typing};
}

PresenceEvent FromWire(const protocol::WirePresence& p) {
  return PresenceEvent{p.user, p.online, p.last_seen_ms, p.devices};
}

Profile FromWire(const protocol::WireProfile& p) {
  return Profile{p.user,        p.display_name, p.status_text,
                 p.avatar_type, p.avatar_url,   p.updated_at_ms};
}

ConversationEvent FromWire(const protocol::WireConversationEvent& e, const std::string& me) {
  ConversationEvent out;
  out.event = e.event;
  if (e.event == values::kConversationCreated) {
    out.kind = ConversationEvent::Kind::kCreated;
  } else if (e.event == values::kMembersAdded) {
    out.kind = ConversationEvent::Kind::kMembersAdded;
  } else if (e.event == values::kMemberRemoved) {
    out.kind = ConversationEvent::Kind::kMemberRemoved;
  } else if (e.event == values::kRenamed) {
    out.kind = ConversationEvent::Kind::kRenamed;
  } else if (e.event == values::kSlowModeChanged) {
    out.kind = ConversationEvent::Kind::kSlowMode;
  }
  out.conversation = FromWire(e.conversation);
  out.actor = e.actor;
  out.users = e.users;
  const bool still_member =
      std::any_of(out.conversation.members.begin(), out.conversation.members.end(),
                  [&](const Member& m) { return m.user == me; });
  out.removed_me = !still_member;
  return out;
}

}  // namespace mqchat::sdk
