// Conversions from store rows to the protocol's wire structs. Pure; any thread.
#pragma once

#include "protocol/wire.h"
#include "store/chat_store.h"

namespace mqchat::chat {

protocol::WireMessage ToWire(const store::StoredMessage& m);
protocol::WireConversation ToWire(const store::Conversation& c);
protocol::WireSummary ToWire(const store::ConversationSummary& s);
protocol::WireMember ToWire(const store::Member& m);
const char* RoleName(store::MemberRole role);
const char* KindName(store::ConversationKind kind);

}  // namespace mqchat::chat
