// Error codes of request responses (docs/PROTOCOL.md section 3) and their wire names.
// Pure values and functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "mqchat/status.h"

namespace mqchat::protocol {

enum class ErrorCode {
  kBadRequest,
  kUnknownOp,
  kInvalidUtf8,
  kEmptyText,
  kTooLong,
  kTooLarge,  // the request exceeds a size bound (payload bytes, JSON depth/values/string)
  kNotMember,
  kNotFound,
  kForbidden,
  kGroupFull,
  // The other user of a direct conversation does not accept the sender's messages: they
  // blocked the sender, or their dm_policy leaves the sender out (one code for both).
  kNotAccepting,
  kInvalid,
  kOverloaded,
  kUnavailable,
  kRateLimited,
  kInternal,
  // The message events (issue 16): why an edit, delete, reaction or reply was refused.
  kNotAuthor,         // edit of another's message; delete of another's by a non-admin
  kEditWindowClosed,  // edit after the edit window
  kUnknownMessage,    // no message with that seq in the conversation
  kMessageDeleted,    // the message was deleted for everyone
  kBadEmoji,          // not one emoji (see ValidateEmoji)
  kNoChange,          // reaction already there (add) or not there (remove)
  kMentionNotMember,  // a send or edit mentions a user who is not a member (the message names them)
};

// The wire name, e.g. "BAD_REQUEST".
std::string_view ErrorCodeName(ErrorCode code);
// The code for a wire name (exact, case-sensitive), or nullopt if unknown.
std::optional<ErrorCode> ParseErrorCode(std::string_view name);
// True for OVERLOADED, UNAVAILABLE and RATE_LIMITED: the request had no effect and may be retried
// with backoff.
bool IsRetryable(ErrorCode code);

// The "error" object of a failed response.
struct ProtocolError {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  // RATE_LIMITED: how long to wait before the request would be accepted (`retry_after_ms` on
  // the wire). 0: not given.
  int64_t retry_after_ms = 0;
};

inline bool operator==(const ProtocolError& a, const ProtocolError& b) {
  return a.code == b.code && a.message == b.message && a.retry_after_ms == b.retry_after_ms;
}

// Default translation of an internal Status into a response error:
// kInvalidArgument -> BAD_REQUEST, kNotFound -> NOT_FOUND, kPermissionDenied/kUnauthenticated ->
// FORBIDDEN, kFailedPrecondition/kAlreadyExists -> INVALID, kResourceExhausted -> OVERLOADED,
// kUnavailable -> UNAVAILABLE, anything else -> INTERNAL. Handlers that know better (NOT_MEMBER,
// GROUP_FULL) build their ProtocolError directly. `status` must not be OK.
ProtocolError ErrorFromStatus(const Status& status);

// The SDK side: a Status whose message is "<CODE>: <message>". Retryable codes become
// kUnavailable (the only code Status::IsRetryable accepts).
Status ErrorToStatus(const ProtocolError& error);

}  // namespace mqchat::protocol
