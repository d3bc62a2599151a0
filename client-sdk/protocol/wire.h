// Responses and inbox events of protocol v1 (docs/PROTOCOL.md sections 3-5): the objects they
// carry, encoders (the plugin) and decoders (the SDK). Pure functions; any thread; never throw.
// 64-bit ids are JSON strings on output and strings or numbers on input; seq and times are numbers.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mqchat/status.h"
#include "protocol/attachments.h"
#include "protocol/call_record.h"
#include "protocol/errors.h"
#include "protocol/ops.h"

namespace mqchat::protocol {

// One emoji's reactions to a message (history only), and the message a reply quotes.
struct WireReaction {
  std::string emoji;
  int64_t count = 0;
  bool mine = false;  // the reader is among them
};
struct WireReplyQuote {
  int64_t seq = 0;
  std::string sender;
  std::string snippet;  // "" when deleted
  bool deleted = false;
};

// An entry of a conversation's log (docs/PROTOCOL.md, "Event kinds"). A plain message has an
// empty `kind` and is written exactly as before issue 16 (plus reply_to / edited_at_ms /
// deleted when set); the other kinds carry `kind` and `target_seq`, and `text` is the edit's
// new text, the reaction's emoji, or "" for a delete. The optional fields are written only when
// set, and absent ones decode to their defaults.
struct WireMessage {
  int64_t conversation_id = 0;
  int64_t seq = 0;
  int64_t message_id = 0;
  std::string sender;
  std::string client_msg_id;
  std::string text;
  int64_t sent_at_ms = 0;
  std::string kind;          // "" (message) | values::kEventEdit | kEventDelete | kEventReact ...
  int64_t target_seq = 0;    // kinds other than message: the message it acts on
  int64_t reply_to = 0;      // a message: the seq it answers (0: none)
  int64_t edited_at_ms = 0;  // a message: its last edit (0: never)
  bool deleted = false;      // a message deleted for everyone (text "")
  std::vector<WireReaction> reactions;  // history only
  std::optional<WireReplyQuote> reply;  // history only, when reply_to > 0
  // A message: the users it mentions now; an edit: the list it gives the message. Written only
  // when not empty.
  std::vector<std::string> mentions;
  // A message: the attachments it carries (protocol/attachments.h; none once deleted). Written
  // only when not empty.
  std::vector<WireAttachment> attachments;
  // A call entry (kind values::kEventCall): the call's record (protocol/call_record.h); its
  // sender is the caller, its text "". Written as "call" only when set.
  std::optional<CallRecord> call;
};

struct WireMember {
  std::string user;
  std::string role;  // values::kRoleOwner | kRoleAdmin | kRoleMember
  int64_t read_seq = 0;
};

struct WireConversation {
  int64_t conversation_id = 0;
  std::string kind;  // values::kKindDirect | kKindGroup
  std::string name;
  int64_t last_seq = 0;
  std::vector<WireMember> members;
  // Seconds between one member's messages (protocol/slow_mode.h); 0 off (absent on the wire).
  int64_t slow_mode_s = 0;
};

// One entry of the "conversations" response.
struct WireSummary {
  int64_t conversation_id = 0;
  std::string kind;
  std::string name;
  int64_t last_seq = 0;
  int64_t read_seq = 0;
  int64_t unread = 0;
  std::vector<std::string> members;
  std::optional<WireMessage> last_message;  // JSON null when absent
  // The caller's mute (PROTOCOL.md 4, `conversations`): 0 none, -1 for good, else a Unix time in
  // ms (possibly past: then not muted). Absent on the wire from older servers: 0.
  int64_t muted_until_ms = 0;
  // Seconds between one member's messages (protocol/slow_mode.h); 0 off (absent on the wire).
  int64_t slow_mode_s = 0;
  // The caller's mentions above read_seq (PROTOCOL.md "Mentions"). Absent from older servers: 0.
  int64_t unread_mentions = 0;
};

// The result fields of a "send" response.
struct WireAck {
  int64_t conversation_id = 0;
  int64_t seq = 0;
  int64_t message_id = 0;
  std::string client_msg_id;
  int64_t server_time_ms = 0;
  bool duplicate = false;
};

// One entry of the "sync" response.
struct WireSyncConversation {
  int64_t conversation_id = 0;
  int64_t last_seq = 0;
  std::vector<WireMessage> messages;
  bool has_more = false;
  // Every seq up to this one expired (protocol/retention.h); 0 when none did. Encoded only
  // when > 0, so older clients see what they saw before.
  int64_t expired_through_seq = 0;
};

// The conversations of one "sync" response body. An entry that does not decode is set aside in
// `bad_entries` (and skipped) rather than failing the page; `more` is whether any entry has more.
struct WireSyncPage {
  std::vector<WireSyncConversation> conversations;
  std::vector<Status> bad_entries;
  bool more = false;
};

// The bodies of the "read", "conversation" and "typing" inbox events.
struct WireReadEvent {
  int64_t conversation_id = 0;
  std::string user;
  int64_t read_seq = 0;
};
// The body of the "mute" inbox event: the user's new mute of the conversation (`mute`'s until_ms).
struct WireMuteEvent {
  int64_t conversation_id = 0;
  int64_t until_ms = 0;
};
struct WireConversationEvent {
  // values::kConversationCreated | kMembersAdded | kMemberRemoved | kRenamed | kSlowModeChanged
  std::string event;
  WireConversation conversation;
  std::string actor;
  std::vector<std::string> users;
};
struct WireTypingEvent {
  int64_t conversation_id = 0;
  std::string user;
  bool typing = false;
};

// --- Encoding (plugin) -----------------------------------------------------------------------

nlohmann::json EncodeMessage(const WireMessage& message);
nlohmann::json EncodeMember(const WireMember& member);
nlohmann::json EncodeConversation(const WireConversation& conversation);
nlohmann::json EncodeSummary(const WireSummary& summary);
nlohmann::json EncodeAck(const WireAck& ack);
nlohmann::json EncodeSyncConversation(const WireSyncConversation& sync);

// {"op":..., "ok":true, "req_id":... (if non-empty), ...result}. `result` must be a JSON object
// (or null for none); op/ok/req_id in it are overwritten.
std::string OkResponse(Op op, const std::string& req_id, nlohmann::json result);
// The same with the op's wire name (e.g. as echoed from a parsed request topic).
std::string OkResponse(std::string_view op_name, const std::string& req_id, nlohmann::json result);
// {"op":..., "ok":false, "req_id":..., "error":{"code","message","retryable"}}. An empty
// `op_name` is written as "unknown".
std::string ErrorResponse(std::string_view op_name, const std::string& req_id,
                          const ProtocolError& error);

// The send ack: OkResponse(Op::kSend, req_id, EncodeAck(ack)), written without a JSON tree
// (it goes out once per message).
// The same ack answers the message events (edit, delete, react) under their own op.
std::string SendAckResponse(const std::string& req_id, const WireAck& ack, Op op = Op::kSend);

// Inbox event payloads ("type" plus the body). MessageEvent is written without a JSON tree.
std::string MessageEvent(const WireMessage& message);
std::string ReadEvent(int64_t conversation_id, const std::string& user, int64_t read_seq);
std::string MuteEvent(int64_t conversation_id, int64_t until_ms);
std::string ConversationEvent(std::string_view event, const WireConversation& conversation,
                              const std::string& actor, const std::vector<std::string>& users);
std::string TypingEvent(int64_t conversation_id, const std::string& user, bool typing);

// --- Decoding (SDK) --------------------------------------------------------------------------
// Each decoder needs every field its encoder writes (with the right type) and ignores unknown
// fields. Failures are Status::InvalidArgument naming the field.

Result<WireMessage> DecodeMessage(const nlohmann::json& json);
Result<WireMember> DecodeMember(const nlohmann::json& json);
Result<WireConversation> DecodeConversation(const nlohmann::json& json);
Result<WireSummary> DecodeSummary(const nlohmann::json& json);
Result<WireAck> DecodeAck(const nlohmann::json& json);
Result<WireSyncConversation> DecodeSyncConversation(const nlohmann::json& json);
// A "sync" response body (an absent or non-array "conversations" is an empty page).
WireSyncPage DecodeSyncPage(const nlohmann::json& body);
Result<WireReadEvent> DecodeReadEvent(const nlohmann::json& json);
Result<WireMuteEvent> DecodeMuteEvent(const nlohmann::json& json);
Result<WireConversationEvent> DecodeConversationEvent(const nlohmann::json& json);
Result<WireTypingEvent> DecodeTypingEvent(const nlohmann::json& json);

struct Response {
  std::string op;
  bool ok = false;
  std::string req_id;                  // empty if absent
  std::optional<ProtocolError> error;  // set iff !ok; an unknown code becomes INTERNAL
  nlohmann::json body;                 // the whole response object (result fields at top level)
};
// Parses a response payload: a JSON object with string "op" and bool "ok" (and "error" if !ok).
Result<Response> DecodeResponse(std::string_view payload);

struct InboxEvent {
  std::string type;     // values::kEventType*; unknown types are passed through
  nlohmann::json body;  // the whole event object; e.g. DecodeMessage(body) for "message"
};
Result<InboxEvent> DecodeInboxEvent(std::string_view payload);

}  // namespace mqchat::protocol
