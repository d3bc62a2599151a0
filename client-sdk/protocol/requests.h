// Request payloads of protocol v1 (docs/PROTOCOL.md section 4): one struct per op, the strict
// parser the plugin runs on every request publish, and the encoder the SDK uses. Any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "protocol/errors.h"
#include "protocol/ops.h"
#include "protocol/privacy.h"
#include "protocol/search.h"
#include "protocol/retention.h"
#include "protocol/slow_mode.h"
#include "protocol/text.h"
#include "protocol/topics.h"

namespace mqchat::protocol {

inline constexpr size_t kMaxReqIdBytes = 128;
inline constexpr size_t kMaxClientMsgIdBytes = 64;
inline constexpr size_t kMaxUsersPerRequest = 1000;
inline constexpr size_t kMaxSyncCursors = 10000;
inline constexpr int kMaxPageLimit = 100;
inline constexpr int kDefaultHistoryLimit = 50;
inline constexpr int kDefaultSyncLimit = 100;
inline constexpr size_t kMaxPushTokenBytes = 4096;
// A message (or an edit) mentions at most this many users (docs/PROTOCOL.md, "Mentions").
inline constexpr size_t kMaxMentions = 50;
// MuteRequest::until_ms values with a special meaning.
inline constexpr int64_t kUnmute = 0;
inline constexpr int64_t kMuteForever = -1;

struct SendRequest {
  std::string client_msg_id;  // 1..64 bytes, no control characters
  std::string text;           // checked by ValidateMessageText
  int64_t reply_to = 0;       // optional: the seq of the message this one answers (0: none)
  // Optional: usernames mentioned, valid, deduplicated (first kept), at most kMaxMentions; the
  // store refuses a name that is not a member (MENTION_NOT_MEMBER).
  std::vector<std::string> mentions;
  // Optional: the attachments the message carries (protocol/attachments.h), distinct, at most
  // kMaxAttachments; the store refuses one that is not the sender's finished upload (INVALID).
  // With attachments the text may be empty.
  std::vector<std::string> attachments;
};
struct HistoryRequest {
  int64_t after_seq = 0;             // oldest messages above this seq (default)
  int64_t before_seq = 0;            // if > 0: newest messages below this seq; never both > 0
  int limit = kDefaultHistoryLimit;  // 1..100
};
struct ReadRequest {
  int64_t seq = 0;  // required
};
struct MembersRequest {};
struct AddMembersRequest {
  std::vector<std::string> users;  // 1..1000 valid usernames, duplicates removed (first kept)
};
struct RemoveMemberRequest {
  std::string user;
};
struct LeaveRequest {};
struct RenameRequest {
  std::string name;  // 1..200 code points
};
struct TypingRequest {
  bool typing = true;
};
struct MuteRequest {
  int64_t until_ms = kUnmute;  // required: kUnmute, kMuteForever, or a Unix time in ms
};
// The message events (docs/PROTOCOL.md, "Event kinds"); each is idempotent by client_msg_id
// like a send, and takes the conversation's next seq.
struct EditRequest {
  std::string client_msg_id;
  int64_t seq = 0;   // required: the message to edit (the sender's own)
  std::string text;  // checked by ValidateMessageText
  // The message's mentions after the edit (as SendRequest::mentions): they replace its list;
  // absent means none.
  std::vector<std::string> mentions;
};
struct DeleteRequest {
  std::string client_msg_id;
  int64_t seq = 0;  // required: the message to delete for everyone
};
struct ReactRequest {
  std::string client_msg_id;
  int64_t seq = 0;      // required: the message reacted to
  std::string emoji;    // checked by ValidateEmoji (protocol/emoji.h)
  bool remove = false;  // true: take the caller's reaction with this emoji back
};
struct OpenDirectRequest {
  std::string user;
};
struct CreateGroupRequest {
  std::string name;                  // 1..200 code points, required
  std::vector<std::string> members;  // 0..1000 valid usernames (besides the creator), deduped
};
struct ConversationsRequest {};
struct SyncRequest {
  // (conversation id, last seq the device has); ascending by the decimal key's spelling.
  std::vector<std::pair<int64_t, int64_t>> cursors;
  int limit = kDefaultSyncLimit;  // 1..100
};
// Registers (or replaces) the push target of the requesting device.
struct PushRegisterRequest {
  std::string platform;  // values::kPlatform*: "fcm", "apns", "webpush" or "webhook"
  std::string token;     // 1..4096 bytes, no control characters
};
struct PushUnregisterRequest {};
struct PushSettingsRequest {
  bool preview = true;  // whether notifications carry the message text (if has_preview)
  // Whether a mention is pushed even when its conversation is muted (absent: unchanged).
  std::optional<bool> mention_push;
  // False when the request had no `preview` (then it must have `mention_push`).
  bool has_preview = true;
};
struct BlockRequest {
  std::string user;  // a valid username
};
struct UnblockRequest {
  std::string user;
};
struct BlocksRequest {};
struct SetDmPolicyRequest {
  DmPolicy dm_policy = DmPolicy::kEveryone;  // required, by name (privacy.h)
};
// A report of a user, or of a message (conversation_id and seq; then `user`, if given, must be
// its sender). Idempotent by client_msg_id (protocol/report.h).
struct ReportRequest {
  std::string client_msg_id;
  std::string user;             // empty: the sender of the message named
  int64_t conversation_id = 0;  // with seq > 0: the message reported; 0: none
  int64_t seq = 0;
  std::string reason;   // one of kReportReasons
  std::string details;  // at most kMaxReportDetailsChars
};
// A group's retention (protocol/retention.h): days 0 keeps forever, kRetentionServerDefault
// (`"days":null` on the wire) follows the server's default again.
struct SetRetentionRequest {
  int64_t conversation_id = 0;  // required
  int64_t days = kRetentionServerDefault;  // required: null, or 0..kMaxRetentionDays
};
// A group's slow mode (protocol/slow_mode.h): seconds between one member's messages, 0 off.
struct SetSlowModeRequest {
  int64_t conversation_id = 0;  // required
  int64_t seconds = 0;          // required: 0..kMaxSlowModeSeconds
};

// Alternative i is the body of Op i: body.index() == static_cast<size_t>(op).
using RequestBody =
    std::variant<SendRequest, HistoryRequest, ReadRequest, MembersRequest, AddMembersRequest,
                 RemoveMemberRequest, LeaveRequest, RenameRequest, TypingRequest, MuteRequest,
                 EditRequest, DeleteRequest, ReactRequest, OpenDirectRequest, CreateGroupRequest,
                 ConversationsRequest, SyncRequest, PushRegisterRequest, PushUnregisterRequest,
                 PushSettingsRequest, BlockRequest, UnblockRequest, BlocksRequest,
                  SetDmPolicyRequest, ReportRequest, SearchRequest, SetRetentionRequest,
                  SetSlowModeRequest>;

struct Request {
  Op op = Op::kSend;
  int64_t conversation_id = 0;  // > 0 for conversation ops; 0 otherwise
  std::string req_id;           // empty if the request had none
  RequestBody body;
};

struct RequestLimits {
  size_t max_message_chars = kDefaultMaxMessageChars;
};

// Bounds checked before a request's JSON tree is built, set from what a valid request can need.
// Payload bytes: a `send` whose text has max_message_chars code points, each escaped in JSON as a
// surrogate pair (\uXXXX\uXXXX, 12 bytes), plus kRequestHeadroomBytes for the other fields; and
// never below kMinRequestLimitBytes, which a sync with kMaxSyncCursors cursors of the largest ids
// needs. 1,208,192 bytes at the default max_message_chars.
inline constexpr size_t kRequestHeadroomBytes = 8192;
inline constexpr size_t kMinRequestLimitBytes = 512 * 1024;
inline constexpr size_t kMaxRequestDepth = 4;  // valid requests nest 2 levels (sync's cursors)
// Values of any kind; twice the largest list (sync's cursors) so the list checks give their own
// messages up to there.
inline constexpr size_t kMaxRequestElements = 2 * kMaxSyncCursors;
size_t MaxRequestBytes(const RequestLimits& limits);
// Longest string (decoded bytes): a text of max_message_chars 4-byte code points plus room so a
// slightly longer text is still TOO_LONG; at least the longest push token.
size_t MaxRequestStringBytes(const RequestLimits& limits);

struct ParsedRequest {
  // Filled as far as parsing got, also on error, so the error response can echo them.
  std::optional<Op> op;
  std::string op_name;  // the topic's op level as written (RequestTopicParts::op_name)
  int64_t conversation_id = 0;
  std::string req_id;
  std::optional<ProtocolError> error;  // nullopt: `request` is complete and valid
  Request request;
};

// Parses and validates a request publish. Never throws. Errors: UNKNOWN_OP (topic), BAD_REQUEST
// (topic id, payload not a JSON object, missing or mistyped field, bad username, limits),
// INVALID_UTF8 (payload bytes or text, or NUL in text/name), EMPTY_TEXT, TOO_LONG, TOO_LARGE
// (more than MaxRequestBytes, checked before reading any of it; or JSON deeper than
// kMaxRequestDepth, with more than kMaxRequestElements values or a string longer than
// MaxRequestStringBytes, refused by a first pass that stops there and builds nothing). The req_id
// is read before any other payload check and echoed even when the topic is bad (for TOO_LARGE:
// if the first pass met it before the excess; never for an oversize payload); a req_id that is
// not a string of at most 128 bytes is itself BAD_REQUEST and is not echoed. A payload that is
// not JSON or not UTF-8 keeps its req_id when the top-level object can be read up to it: as
// written, or with each ill-formed UTF-8 sequence replaced by U+FFFD (so a req_id after a bad
// text is found too). Unknown fields are ignored.
ParsedRequest ParseRequest(std::string_view topic, std::string_view payload,
                           const RequestLimits& limits);

// The op name for the response to `parsed`: OpName(*op), else the op level the client wrote
// (an unknown op is answered under its own name), or "unknown" for a topic with no op level.
std::string_view ResponseOpName(const ParsedRequest& parsed);

// The JSON payload of `request` (its body and req_id; the op and conversation id go in the topic,
// see RequestTopic). Ids are written as decimal strings. ParseRequest(RequestTopic(op, id),
// EncodeRequest(r)) gives back r for any valid r. Never throws: ill-formed UTF-8 in a string
// becomes U+FFFD, so callers that must not alter text check it with ValidateMessageText first.
std::string EncodeRequest(const Request& request);

}  // namespace mqchat::protocol
