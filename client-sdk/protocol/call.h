// Calls (issue 27; docs/PROTOCOL.md section 8): the call ops, their request fields, the call
// events and the ICE server list, once for the plugin, the SDK and the tools. The call ops are
// parsed here, beside (not inside) the ops of requests.h, as the community ops are: one request
// struct with optional fields, checked per op. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "protocol/errors.h"

namespace mqchat::protocol {

enum class CallOp {
  kInvite,      // mqchat/v1/c/<id>/call_invite
  kAccept,      // .../call_accept
  kDecline,     // .../call_decline
  kJoin,        // .../call_join (group conversations)
  kHangup,      // .../call_hangup (the caller before anyone accepted: cancel)
  kSignal,      // .../call_signal (relayed to a device of the call)
  kIceServers,  // mqchat/v1/req/ice_servers
};

std::string_view CallOpName(CallOp op);

// What a call request topic names. `conversation_id` is 0 for ice_servers; `error` is a
// BAD_REQUEST for a conversation id that is not a canonical positive decimal.
struct CallTopic {
  CallOp op = CallOp::kInvite;
  int64_t conversation_id = 0;
  std::optional<ProtocolError> error;
};
// The call op `topic` names (mqchat/v1/c/<id>/call_* or mqchat/v1/req/ice_servers), or nullopt
// for any other topic.
std::optional<CallTopic> CallOpOfTopic(std::string_view topic);
// The topic of `op` (conversation_id ignored for ice_servers).
std::string CallRequestTopic(CallOp op, int64_t conversation_id = 0);

inline constexpr size_t kMaxSdpBytes = 65536;
inline constexpr size_t kMaxCandidateBytes = 1024;
inline constexpr size_t kMaxCallRequestBytes = 256 * 1024;
inline constexpr size_t kMaxCallIdChars = 32;

namespace call_fields {
inline constexpr char kType[] = "type";
inline constexpr char kCallType[] = "call";  // the value of "type" of every call event
inline constexpr char kEvent[] = "event";
inline constexpr char kConversationId[] = "conversation_id";
inline constexpr char kCallId[] = "call_id";
inline constexpr char kVideo[] = "video";
inline constexpr char kAudio[] = "audio";
inline constexpr char kTo[] = "to";
inline constexpr char kFrom[] = "from";
inline constexpr char kSignal[] = "signal";
inline constexpr char kSdp[] = "sdp";
inline constexpr char kCandidate[] = "candidate";
inline constexpr char kSdpMid[] = "sdp_mid";
inline constexpr char kSdpMlineIndex[] = "sdp_mline_index";
inline constexpr char kSigSeq[] = "sig_seq";
inline constexpr char kCaller[] = "caller";
inline constexpr char kCallerDevice[] = "caller_device";
inline constexpr char kRingTimeoutS[] = "ring_timeout_s";
inline constexpr char kIceServers[] = "ice_servers";
inline constexpr char kExpiresAtMs[] = "expires_at_ms";
inline constexpr char kParticipants[] = "participants";
inline constexpr char kUser[] = "user";
inline constexpr char kDevice[] = "device";
inline constexpr char kReason[] = "reason";
inline constexpr char kStartedBy[] = "started_by";
inline constexpr char kDurationMs[] = "duration_ms";
inline constexpr char kOutcome[] = "outcome";      // a call record's (protocol/call_record.h)
inline constexpr char kCall[] = "call";            // a log entry's call record
inline constexpr char kDeclinedBy[] = "declined";  // a call record's decliners
inline constexpr char kUrls[] = "urls";
inline constexpr char kUsername[] = "username";
inline constexpr char kCredential[] = "credential";
}  // namespace call_fields

// Call events ("event" of a {"type":"call"} inbox event).
namespace call_events {
inline constexpr char kRinging[] = "ringing";
inline constexpr char kRingEnded[] = "ring_ended";
inline constexpr char kBusy[] = "busy";
inline constexpr char kJoined[] = "joined";
inline constexpr char kDeclined[] = "declined";
inline constexpr char kLeft[] = "left";
inline constexpr char kEnded[] = "ended";
inline constexpr char kSignal[] = "signal";
}  // namespace call_events

enum class SignalKind { kOffer, kAnswer, kCandidate, kMedia };
std::string_view SignalKindName(SignalKind kind);

struct CallRequest {
  CallOp op = CallOp::kInvite;
  std::string call_id;  // every op but invite and ice_servers
  bool video = false;   // invite
  // call_signal
  SignalKind signal = SignalKind::kOffer;
  std::string to;  // the target's client id (offer, answer, candidate)
  std::string sdp;
  std::string candidate;
  std::optional<std::string> sdp_mid;
  std::optional<int64_t> sdp_mline_index;
  std::optional<bool> audio_on;  // media
  std::optional<bool> video_on;  // media
};

struct ParsedCallRequest {
  std::string op_name;
  std::string req_id;
  CallRequest request;
  std::optional<ProtocolError> error;
};
ParsedCallRequest ParseCallRequest(CallOp op, std::string_view payload);

// The request payload of `req` (the SDK's encoder); the caller adds `req_id`.
nlohmann::json EncodeCallRequest(const CallRequest& req);

// {"type":"call","event":<event>,"conversation_id":"<id>","call_id":<call_id>}: the start of
// every call event; the caller adds the event's own fields.
nlohmann::json CallEventBase(std::string_view event, int64_t conversation_id,
                             std::string_view call_id);
// The fields of a relayed signal (offer, answer, candidate, media), as the target receives them.
void AddSignalFields(const CallRequest& req, nlohmann::json& out);

// A decoded call event (the SDK's view of an inbox event of type "call").
struct CallEvent {
  std::string event;
  int64_t conversation_id = 0;
  std::string call_id;
  nlohmann::json fields;  // the whole event, for the event's own fields
};
std::optional<CallEvent> DecodeCallEvent(const nlohmann::json& event);

}  // namespace mqchat::protocol
