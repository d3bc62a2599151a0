#include "protocol/errors.h"

namespace mqchat::protocol {
namespace {

struct CodeEntry {
  ErrorCode code;
  std::string_view name;
};

constexpr CodeEntry kCodes[] = {
    {ErrorCode::kBadRequest, "BAD_REQUEST"},   {ErrorCode::kUnknownOp, "UNKNOWN_OP"},
    {ErrorCode::kInvalidUtf8, "INVALID_UTF8"}, {ErrorCode::kEmptyText, "EMPTY_TEXT"},
    {ErrorCode::kTooLong, "TOO_LONG"},         {ErrorCode::kNotMember, "NOT_MEMBER"},
    {ErrorCode::kNotFound, "NOT_FOUND"},       {ErrorCode::kForbidden, "FORBIDDEN"},
    {ErrorCode::kGroupFull, "GROUP_FULL"},     {ErrorCode::kInvalid, "INVALID"},
    {ErrorCode::kOverloaded, "OVERLOADED"},    {ErrorCode::kUnavailable, "UNAVAILABLE"},
    {ErrorCode::kRateLimited, "RATE_LIMITED"}, {ErrorCode::kInternal, "INTERNAL"},
    {ErrorCode::kTooLarge, "TOO_LARGE"},       {ErrorCode::kNotAuthor, "NOT_AUTHOR"},
    {ErrorCode::kEditWindowClosed, "EDIT_WINDOW_CLOSED"},
    {ErrorCode::kUnknownMessage, "UNKNOWN_MESSAGE"},
    {ErrorCode::kMessageDeleted, "MESSAGE_DELETED"},
    {ErrorCode::kBadEmoji, "BAD_EMOJI"},       {ErrorCode::kNoChange, "NO_CHANGE"},
    {ErrorCode::kNotAccepting, "NOT_ACCEPTING"},
    {ErrorCode::kMentionNotMember, "MENTION_NOT_MEMBER"},
};

}  // namespace

std::string_view ErrorCodeName(ErrorCode code) {
  for (const auto& entry : kCodes) {
    if (entry.code == code) return entry.name;
  }
  return "INTERNAL";
}

std::optional<ErrorCode> ParseErrorCode(std::string_view name) {
  for (const auto& entry : kCodes) {
    if (entry.name == name) return entry.code;
  }
  return std::nullopt;
}

bool IsRetryable(ErrorCode code) {
  return code == ErrorCode::kOverloaded || code == ErrorCode::kUnavailable ||
         code == ErrorCode::kRateLimited;
}

ProtocolError ErrorFromStatus(const Status& status) {
  ErrorCode code = ErrorCode::kInternal;
  switch (status.code()) {
    case Code::kInvalidArgument:
      code = ErrorCode::kBadRequest;
      break;
    case Code::kNotFound:
      code = ErrorCode::kNotFound;
      break;
    case Code::kPermissionDenied:
    case Code::kUnauthenticated:
      code = ErrorCode::kForbidden;
      break;
    case Code::kAlreadyExists:
    case Code::kFailedPrecondition:
      code = ErrorCode::kInvalid;
      break;
    case Code::kResourceExhausted:
      code = ErrorCode::kOverloaded;
      break;
    case Code::kUnavailable:
      code = ErrorCode::kUnavailable;
      break;
    case Code::kOk:
    case Code::kInternal:
    case Code::kCancelled:  // the SDK's own; never from a server
      code = ErrorCode::kInternal;
      break;
  }
  return ProtocolError{code, status.ok() ? "OK status reported as an error" : status.message()};
}

Status ErrorToStatus(const ProtocolError& error) {
  std::string message(ErrorCodeName(error.code));
  message += ": ";
  message += error.message;
  switch (error.code) {
    case ErrorCode::kBadRequest:
    case ErrorCode::kUnknownOp:
    case ErrorCode::kInvalidUtf8:
    case ErrorCode::kEmptyText:
    case ErrorCode::kTooLong:
    case ErrorCode::kTooLarge:
    case ErrorCode::kBadEmoji:
    case ErrorCode::kMentionNotMember:
      return Status::InvalidArgument(std::move(message));
    case ErrorCode::kNotAuthor:
      return Status::PermissionDenied(std::move(message));
    case ErrorCode::kUnknownMessage:
      return Status::NotFound(std::move(message));
    case ErrorCode::kEditWindowClosed:
    case ErrorCode::kMessageDeleted:
    case ErrorCode::kNoChange:
      return Status::FailedPrecondition(std::move(message));
    case ErrorCode::kNotMember:
    case ErrorCode::kForbidden:
    case ErrorCode::kNotAccepting:
      return Status::PermissionDenied(std::move(message));
    case ErrorCode::kNotFound:
      return Status::NotFound(std::move(message));
    case ErrorCode::kGroupFull:
    case ErrorCode::kInvalid:
      return Status::FailedPrecondition(std::move(message));
    case ErrorCode::kOverloaded:
    case ErrorCode::kUnavailable:
    case ErrorCode::kRateLimited:
      return Status::Unavailable(std::move(message));
    case ErrorCode::kInternal:
      return Status::Internal(std::move(message));
  }
  return Status::Internal(std::move(message));
}

}  // namespace mqchat::protocol
