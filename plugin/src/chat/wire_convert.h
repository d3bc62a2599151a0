// Conversions from store rows to the protocol's wire structs. Pure; any thread.
#pragma once

#include <string_view>

#include "protocol/wire.h"
#include "store/chat_store.h"

namespace mqchat::chat {

protocol::WireMessage ToWire(const store::StoredMessage& m);
protocol::WireMessage ToWire(const store::MessageView& v);  // history: reactions and quote
protocol::WireConversation ToWire(const store::Conversation& c);
protocol::WireSummary ToWire(const store::ConversationSummary& s);
protocol::WireMember ToWire(const store::Member& m);
std::string_view RoleName(store::MemberRole role);        // protocol::values::kRole*
std::string_view KindName(store::ConversationKind kind);  // protocol::values::kKind*
std::string_view EventKindName(store::EventKind kind);    // "" or protocol::values::kEvent*

}  // namespace mqchat::chat
