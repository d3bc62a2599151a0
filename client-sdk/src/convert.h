// Conversions between the protocol's wire structs (protocol/wire.h) and the SDK's public value
// types (mqchat/types.h, mqchat/events.h), both ways. Pure functions; any thread. The terminal
// client (tools/mqchat) uses ToWire to print the protocol's JSON objects.
#pragma once

#include <string>
#include <string_view>

#include "mqchat/events.h"
#include "mqchat/types.h"
#include "protocol/presence.h"
#include "protocol/profile.h"
#include "protocol/wire.h"

namespace mqchat::sdk {

Message FromWire(const protocol::WireMessage& m);
CallOutcome FromWire(const protocol::CallRecord& r);
protocol::CallRecord ToWire(const CallOutcome& c);
Member FromWire(const protocol::WireMember& m);
Conversation FromWire(const protocol::WireConversation& c);
ConversationSummary FromWire(const protocol::WireSummary& s);
Ack FromWire(const protocol::WireAck& a);
ReadEvent FromWire(const protocol::WireReadEvent& e);
TypingEvent FromWire(const protocol::WireTypingEvent& e);
PresenceEvent FromWire(const protocol::WirePresence& p);
Profile FromWire(const protocol::WireProfile& p);
// `me` decides ConversationEvent::removed_me.
ConversationEvent FromWire(const protocol::WireConversationEvent& e, const std::string& me);

// The other way: FromWire(ToWire(x)) is x.
protocol::WireMessage ToWire(const Message& m);
protocol::WireSummary ToWire(const ConversationSummary& s);
protocol::WireAck ToWire(const Ack& a);

// Wire spellings of roles and kinds (protocol::values); unknown strings map to kMember/kDirect.
MemberRole RoleFromString(std::string_view role);
std::string_view RoleName(MemberRole role);
ConversationKind KindFromString(std::string_view kind);
std::string_view KindName(ConversationKind kind);

}  // namespace mqchat::sdk
