// The HTTP layer of mqchat-api without a socket: routing, the error shape, strict JSON bodies.
#include <stdexcept>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "protocol/errors.h"
#include "protocol/http_api.h"
#include "request_body.h"
#include "router.h"

namespace mqchat::api {
namespace {

using protocol::http::ApiErrorCode;

std::string CodeOf(const ApiResponse& response) {
  auto body = nlohmann::json::parse(response.body);
  return body.at("error").at("code").get<std::string>();
}

ApiRequest Post(std::string body, std::string content_type = "application/json") {
  return ApiRequest{"POST", "/v1/x", std::move(content_type), std::move(body), "127.0.0.1"};
}

TEST(ApiErrorsTest, SharedCodesKeepTheMqttNamesAndEveryCodeHasAStatus) {
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kBadRequest),
            protocol::ErrorCodeName(protocol::ErrorCode::kBadRequest));
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kTooLarge), "TOO_LARGE");
  EXPECT_EQ(ApiErrorCodeName(ApiErrorCode::kRateLimited), "RATE_LIMITED");
  EXPECT_EQ(ApiErrorHttpStatus(ApiErrorCode::kUnauthenticated), 401);
  EXPECT_EQ(ApiErrorHttpStatus(ApiErrorCode::kOverloaded), 503);
  auto body = nlohmann::json::parse(EncodeApiError(ApiErrorCode::kInvalid, "no \"x\""));
  EXPECT_EQ(body, (nlohmann::json{{"error", {{"code", "INVALID"}, {"message", "no \"x\""}}}}));
}

TEST(RouterTest, UnknownPathMethodAndThrowingHandlerAreJsonErrors) {
  Router router;
  router.Add("GET", "/v1/ok", [](const ApiRequest&) { return JsonResponse(200, {{"a", 1}}); });
  router.Add("POST", "/v1/boom", [](const ApiRequest&) -> ApiResponse {
    throw std::runtime_error("SELECT secret FROM users");
  });
  EXPECT_EQ(router.Dispatch({"GET", "/v1/ok", "", "", ""}).body, R"({"a":1})");
  auto missing = router.Dispatch({"GET", "/v1/nope", "", "", ""});
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(CodeOf(missing), "NOT_FOUND");
  auto wrong_method = router.Dispatch({"DELETE", "/v1/ok", "", "", ""});
  EXPECT_EQ(wrong_method.status, 405);
  ASSERT_EQ(wrong_method.headers.size(), 1u);
  EXPECT_EQ(wrong_method.headers[0], (std::pair<std::string, std::string>{"Allow", "GET"}));
  auto boom = router.Dispatch({"POST", "/v1/boom", "", "", ""});
  EXPECT_EQ(boom.status, 500);
  EXPECT_EQ(CodeOf(boom), "INTERNAL");
  EXPECT_EQ(boom.body.find("SELECT"), std::string::npos);
}

TEST(RequestBodyTest, AcceptsAnObjectOfKnownFields) {
  auto parsed = ParseJsonBody(Post(R"({"a":"x","b":null})", "Application/JSON; charset=utf-8"),
                              {"a", "b"});
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(parsed));
  std::string a;
  EXPECT_FALSE(ReadRequiredStrings(std::get<nlohmann::json>(parsed), {{"a", &a}}));
  EXPECT_EQ(a, "x");
}

TEST(RequestBodyTest, RefusesEveryMalformedBodyWithA4xx) {
  struct Case {
    std::string body, content_type, code;
  };
  const std::vector<Case> cases = {
      {R"({"a":"x"})", "text/plain", "UNSUPPORTED_MEDIA_TYPE"},
      {R"({"a":"x"})", "", "UNSUPPORTED_MEDIA_TYPE"},
      {"", "application/json", "BAD_REQUEST"},
      {R"({"a":)", "application/json", "BAD_REQUEST"},
      {R"({"a":"x"} trailing)", "application/json", "BAD_REQUEST"},
      {R"(["a"])", "application/json", "BAD_REQUEST"},
      {R"("a")", "application/json", "BAD_REQUEST"},
      {R"({"a":"x","c":1})", "application/json", "BAD_REQUEST"},
      {R"({"a":{"b":{"c":1}}})", "application/json", "TOO_LARGE"},
      {"{\"a\":\"" + std::string(5000, 'x') + "\"}", "application/json", "TOO_LARGE"},
  };
  for (const auto& c : cases) {
    auto parsed = ParseJsonBody(Post(c.body, c.content_type), {"a", "b"});
    ASSERT_TRUE(std::holds_alternative<ApiResponse>(parsed)) << c.body;
    const auto& response = std::get<ApiResponse>(parsed);
    EXPECT_GE(response.status, 400) << c.body;
    EXPECT_LT(response.status, 500) << c.body;
    EXPECT_EQ(CodeOf(response), c.code) << c.body;
  }
}

TEST(RequestBodyTest, RequiredStringsMustBePresentAndStrings) {
  std::string a;
  for (const char* text : {R"({})", R"({"a":null})", R"({"a":1})", R"({"a":["x"]})"}) {
    auto error = ReadRequiredStrings(nlohmann::json::parse(text), {{"a", &a}});
    ASSERT_TRUE(error) << text;
    EXPECT_EQ(CodeOf(*error), "BAD_REQUEST");
  }
}

}  // namespace
}  // namespace mqchat::api
