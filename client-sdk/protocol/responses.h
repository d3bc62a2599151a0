// The result bodies of protocol v1 responses (docs/PROTOCOL.md section 4), one struct per body,
// each with its encoder (the plugin) beside its decoder (the SDK and tools). An encoder returns
// the result fields only; OkResponse (wire.h) adds the envelope ("op", "ok", "req_id").
// The send ack (WireAck) and the sync entries (WireSyncConversation) live in wire.h.
// Pure functions; any thread; never throw. Decoders need every field the encoder always writes
// and ignore unknown fields; failures are Status::InvalidArgument naming the field.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "protocol/wire.h"

namespace mqchat::protocol {

// "history": {"conversation_id", "messages", "has_more", "expired_through_seq" (only when > 0)}.
struct WireHistoryPage {
  int64_t conversation_id = 0;
  std::vector<WireMessage> messages;
  bool has_more = false;
  // Every seq up to this one expired (protocol/retention.h); 0 when none did.
  int64_t expired_through_seq = 0;
};
nlohmann::json EncodeHistoryPage(const WireHistoryPage& page);
Result<WireHistoryPage> DecodeHistoryPage(const nlohmann::json& body);

// "members": {"conversation_id", "members"}.
struct WireMembersList {
  int64_t conversation_id = 0;
  std::vector<WireMember> members;
};
nlohmann::json EncodeMembersList(const WireMembersList& list);
Result<WireMembersList> DecodeMembersList(const nlohmann::json& body);

// "conversations": {"conversations": [summary...]}.
struct WireConversationsList {
  std::vector<WireSummary> conversations;
};
nlohmann::json EncodeConversationsList(const WireConversationsList& list);
Result<WireConversationsList> DecodeConversationsList(const nlohmann::json& body);

// "sync": {"conversations": [sync entry...]}. Decoded by DecodeSyncPage (wire.h), which sets
// aside entries that do not decode; `bad_entries` and `more` are not written.
nlohmann::json EncodeSyncPage(const WireSyncPage& page);

// "read": {"conversation_id", "read_seq"} (the caller's read marker after the request).
struct WireReadMarker {
  int64_t conversation_id = 0;
  int64_t read_seq = 0;
};
nlohmann::json EncodeReadMarker(const WireReadMarker& marker);
Result<WireReadMarker> DecodeReadMarker(const nlohmann::json& body);

// "typing": {"conversation_id"}.
struct WireTypingAck {
  int64_t conversation_id = 0;
};
nlohmann::json EncodeTypingAck(const WireTypingAck& ack);
Result<WireTypingAck> DecodeTypingAck(const nlohmann::json& body);

// "open_direct", "create_group", "add_members", "remove_member", "leave", "rename": the
// conversation as it is after the change, and for add_members the users actually added. Either
// may be absent: the server leaves out the conversation when it could not read it back after a
// committed change (and "open_direct" always has it).
struct WireConversationChange {
  std::optional<WireConversation> conversation;
  std::optional<std::vector<std::string>> added;
};
nlohmann::json EncodeConversationChange(const WireConversationChange& change);
Result<WireConversationChange> DecodeConversationChange(const nlohmann::json& body);

}  // namespace mqchat::protocol
