#include "protocol/errors.h"

#include <gtest/gtest.h>

namespace mqchat::protocol {
namespace {

TEST(ErrorCodeTest, NamesMatchProtocolAndRoundTrip) {
  const std::pair<ErrorCode, const char*> table[] = {
      {ErrorCode::kBadRequest, "BAD_REQUEST"},   {ErrorCode::kUnknownOp, "UNKNOWN_OP"},
      {ErrorCode::kInvalidUtf8, "INVALID_UTF8"}, {ErrorCode::kEmptyText, "EMPTY_TEXT"},
      {ErrorCode::kTooLong, "TOO_LONG"},         {ErrorCode::kNotMember, "NOT_MEMBER"},
      {ErrorCode::kNotFound, "NOT_FOUND"},       {ErrorCode::kForbidden, "FORBIDDEN"},
      {ErrorCode::kGroupFull, "GROUP_FULL"},     {ErrorCode::kInvalid, "INVALID"},
      {ErrorCode::kOverloaded, "OVERLOADED"},    {ErrorCode::kUnavailable, "UNAVAILABLE"},
      {ErrorCode::kInternal, "INTERNAL"},       {ErrorCode::kTooLarge, "TOO_LARGE"},
      {ErrorCode::kRateLimited, "RATE_LIMITED"}, {ErrorCode::kNotAccepting, "NOT_ACCEPTING"},
  };
  for (const auto& [code, name] : table) {
    EXPECT_EQ(ErrorCodeName(code), name);
    ASSERT_TRUE(ParseErrorCode(name).has_value()) << name;
    EXPECT_EQ(*ParseErrorCode(name), code);
  }
}

TEST(ErrorCodeTest, ParseRefusesUnknownNames) {
  EXPECT_FALSE(ParseErrorCode("").has_value());
  EXPECT_FALSE(ParseErrorCode("bad_request").has_value());
  EXPECT_FALSE(ParseErrorCode("BAD_REQUEST ").has_value());
  EXPECT_FALSE(ParseErrorCode("OK").has_value());
}

TEST(ErrorCodeTest, OnlyOverloadedUnavailableAndRateLimitedAreRetryable) {
  for (int i = 0; i <= static_cast<int>(ErrorCode::kInternal); ++i) {
    const auto code = static_cast<ErrorCode>(i);
    EXPECT_EQ(IsRetryable(code), code == ErrorCode::kOverloaded ||
                                     code == ErrorCode::kUnavailable ||
                                     code == ErrorCode::kRateLimited)
        << ErrorCodeName(code);
  }
}

TEST(ErrorCodeTest, StatusConversions) {
  EXPECT_EQ(ErrorFromStatus(Status::Unavailable("db down")).code, ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorFromStatus(Status::Unavailable("db down")).message, "db down");
  EXPECT_EQ(ErrorFromStatus(Status::ResourceExhausted("q")).code, ErrorCode::kOverloaded);
  EXPECT_EQ(ErrorFromStatus(Status::InvalidArgument("x")).code, ErrorCode::kBadRequest);
  EXPECT_EQ(ErrorFromStatus(Status::NotFound("x")).code, ErrorCode::kNotFound);
  EXPECT_EQ(ErrorFromStatus(Status::PermissionDenied("x")).code, ErrorCode::kForbidden);
  EXPECT_EQ(ErrorFromStatus(Status::Internal("x")).code, ErrorCode::kInternal);

  Status overloaded = ErrorToStatus({ErrorCode::kOverloaded, "queue full"});
  EXPECT_TRUE(overloaded.IsRetryable());
  EXPECT_EQ(overloaded.message(), "OVERLOADED: queue full");
  EXPECT_FALSE(ErrorToStatus({ErrorCode::kTooLong, "x"}).IsRetryable());
  Status too_large = ErrorToStatus({ErrorCode::kTooLarge, "payload has 9 bytes"});
  EXPECT_FALSE(too_large.IsRetryable());
  EXPECT_EQ(too_large.code(), Code::kInvalidArgument);
  EXPECT_EQ(too_large.message(), "TOO_LARGE: payload has 9 bytes");
  EXPECT_FALSE(ErrorToStatus({ErrorCode::kInternal, "x"}).ok());
}

}  // namespace
}  // namespace mqchat::protocol
