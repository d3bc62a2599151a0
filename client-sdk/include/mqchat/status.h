// Status and Result<T>: the error type of every mqchat module, plugin and SDK alike.
// Cheap to copy when OK; values are immutable. Thread-compatible (no shared state).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "mqchat/export.h"

namespace mqchat {

// kUnavailable means exactly "a retry may fix this"; retry logic looks at nothing else.
enum class Code {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kUnauthenticated,
  kUnavailable,
  kResourceExhausted,
  kFailedPrecondition,
  kInternal,
  kCancelled,  // the caller cancelled the request (Client::Cancel)
};

MQCHAT_SDK_API std::string_view CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {Code::kAlreadyExists, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) {
    return {Code::kPermissionDenied, std::move(msg)};
  }
  static Status Unauthenticated(std::string msg) { return {Code::kUnauthenticated, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) {
    return {Code::kResourceExhausted, std::move(msg)};
  }
  static Status FailedPrecondition(std::string msg) {
    return {Code::kFailedPrecondition, std::move(msg)};
  }
  static Status Internal(std::string msg) { return {Code::kInternal, std::move(msg)}; }
  static Status Cancelled(std::string msg) { return {Code::kCancelled, std::move(msg)}; }

  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsRetryable() const { return code_ == Code::kUnavailable; }
  // "<CodeName>: <message>", or "OK".
  MQCHAT_SDK_API std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  MQCHAT_SDK_API Status WithContext(std::string_view context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "Result built from an OK status has no value");
    if (status_.ok()) status_ = Status::Internal("Result built from OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace mqchat

#define MQCHAT_CONCAT_INNER_(a, b) a##b
#define MQCHAT_CONCAT_(a, b) MQCHAT_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define MQCHAT_RETURN_IF_ERROR(expr)            \
  do {                                          \
    ::mqchat::Status mqchat_status_ = (expr);   \
    if (!mqchat_status_.ok()) return mqchat_status_; \
  } while (0)

// `MQCHAT_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its Status.
#define MQCHAT_ASSIGN_OR_RETURN(lhs, expr) \
  MQCHAT_ASSIGN_OR_RETURN_IMPL_(MQCHAT_CONCAT_(mqchat_result_, __LINE__), lhs, expr)
#define MQCHAT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()
