// CORS of mqchat-api (api/src/cors.h): listed origins get their preflight and headers, any other
// Origin is refused before a handler runs, requests without Origin pass untouched.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config.h"
#include "cors.h"

namespace mqchat::api {
namespace {

std::string Header(const ApiResponse& r, const std::string& name) {
  for (const auto& [key, value] : r.headers) {
    if (key == name) return value;
  }
  return "";
}

ApiRequest FromOrigin(std::string method, std::string origin, std::string preflight = "") {
  return ApiRequest{std::move(method), "/v1/login", "application/json", "{}",
                    "127.0.0.1", std::move(origin), std::move(preflight)};
}

const CorsPolicy kPolicy({"http://127.0.0.1:8083", "https://chat.example"});

TEST(CorsPolicyTest, PreflightOfAListedOriginIsAnswered) {
  auto answer = kPolicy.Intercept(FromOrigin("OPTIONS", "https://chat.example", "POST"));
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 204);
  EXPECT_EQ(Header(*answer, "Access-Control-Allow-Origin"), "https://chat.example");
  EXPECT_NE(Header(*answer, "Access-Control-Allow-Methods").find("POST"), std::string::npos);
  EXPECT_EQ(Header(*answer, "Access-Control-Allow-Headers"), "Content-Type, Authorization");
}

TEST(CorsPolicyTest, AListedOriginReachesTheHandlerAndGetsItsHeaders) {
  const auto request = FromOrigin("POST", "http://127.0.0.1:8083");
  EXPECT_FALSE(kPolicy.Intercept(request).has_value());
  ApiResponse response;
  kPolicy.Decorate(request, &response);
  EXPECT_EQ(Header(response, "Access-Control-Allow-Origin"), "http://127.0.0.1:8083");
  EXPECT_EQ(Header(response, "Vary"), "Origin");
}

TEST(CorsPolicyTest, OtherOriginsAreRefusedBeforeAnyHandler) {
  for (const auto& request :
       {FromOrigin("POST", "http://evil.example"), FromOrigin("OPTIONS", "http://evil.example", "POST"),
        FromOrigin("POST", "http://127.0.0.1:8084"), FromOrigin("POST", "null")}) {
    auto answer = kPolicy.Intercept(request);
    ASSERT_TRUE(answer.has_value()) << request.origin;
    EXPECT_EQ(answer->status, 403);
    EXPECT_EQ(nlohmann::json::parse(answer->body)["error"]["code"], "FORBIDDEN");
    EXPECT_EQ(Header(*answer, "Access-Control-Allow-Origin"), "");
  }
  EXPECT_TRUE(CorsPolicy({}).Intercept(FromOrigin("POST", "http://127.0.0.1:8083")).has_value());
}

TEST(CorsPolicyTest, RequestsWithoutOriginPassUntouched) {
  const auto request = FromOrigin("POST", "");
  EXPECT_FALSE(kPolicy.Intercept(request).has_value());
  ApiResponse response;
  kPolicy.Decorate(request, &response);
  EXPECT_TRUE(response.headers.empty());
}

TEST(CorsPolicyTest, ConfigListsOriginsAndRefusesAPath) {
  auto config = ParseApiArgs({"--sqlite", "x.db", "--jwt_private_key_file", "k", "--cors_origin",
                              "http://a:1", "--cors_origin", "https://b"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->cors_origins, (std::vector<std::string>{"http://a:1", "https://b"}));
  EXPECT_FALSE(ParseApiArgs({"--sqlite", "x.db", "--jwt_private_key_file", "k", "--cors_origin",
                             "http://a:1/"})
                   .ok());
}

}  // namespace
}  // namespace mqchat::api
