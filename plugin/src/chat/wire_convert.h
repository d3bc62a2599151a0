// Conversions from store rows to the protocol's wire structs. Pure; any thread.
#pragma once

#include <string_view>

#include "protocol/wire.h"
#include "store/chat_store.h"

namespace mqchat::chat {

protocol::WireMessage ToWire(const store::StoredMessage& m);
protocol::WireConversation ToWire(const store::Conversation& c);
protocol::WireSummary ToWire(const store::ConversationSummary& s);
protocol::WireMember ToWire(const store::Member& m);
std::string_view RoleName(store::MemberRole role);        // protocol::values::kRole*
std::string_view KindName(store::ConversationKind kind);  // protocol::values::kKind*

}  // namespace mqchat::chat
