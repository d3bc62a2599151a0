// The service's own view of one HTTP exchange, independent of the HTTP library: handlers take an
// ApiRequest and return an ApiResponse, so they are unit-tested without a socket, and only
// http_server.cpp knows cpp-httplib. Plain values; any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "mqchat/status.h"
#include "protocol/http_api.h"

namespace mqchat::api {

struct ApiRequest {
  std::string method;        // "GET", "POST", ...
  std::string path;          // without the query string
  std::string content_type;  // the Content-Type header, as sent
  std::string body;
  std::string remote_addr;
  std::string origin{};               // the Origin header (browsers; cors.h), "" if none
  std::string cors_request_method{};  // Access-Control-Request-Method (a CORS preflight)
  std::string authorization{};        // the Authorization header ("Bearer <access token>")
  std::vector<std::pair<std::string, std::string>> query{};  // decoded query parameters
  std::vector<std::string> path_params{};  // a pattern route's {segments}, in order (router.h)
};

struct ApiResponse {
  int status = 200;
  std::string body;  // JSON, unless content_type says otherwise (an avatar's bytes)
  std::vector<std::pair<std::string, std::string>> headers;  // beyond Content-Type
  std::string content_type = "application/json";
  // For metrics only (api_metrics.h): an outcome the status does not tell ("reuse_detected").
  std::string_view outcome{};
};

// A 2xx response whose body is `body` as JSON.
ApiResponse JsonResponse(int status, const nlohmann::json& body);
// The error response for `code` (its HTTP status), body {"error":{"code","message"}}.
// `message` is shown to clients: never put tokens, SQL or internal details in it.
ApiResponse ErrorResponse(protocol::http::ApiErrorCode code, std::string_view message);
// OVERLOADED / RATE_LIMITED with a Retry-After header of `retry_after_s` seconds.
ApiResponse RetryLaterResponse(protocol::http::ApiErrorCode code, std::string_view message,
                               int retry_after_s);

}  // namespace mqchat::api

namespace mqchat::api {

// The response for an unexpected Status from the store or the password pool: 503 OVERLOADED or
// UNAVAILABLE with Retry-After for kResourceExhausted/kUnavailable, else 500 INTERNAL. The
// status's message goes to the log (prefixed by `what`), never into the response.
ApiResponse FailureResponse(const Status& status, std::string_view what);

}  // namespace mqchat::api
