#include "http_types.h"

#include <iostream>

#include "api_metrics.h"
#include "protocol/json_util.h"

namespace mqchat::api {

using protocol::http::ApiErrorCode;

ApiResponse JsonResponse(int status, const nlohmann::json& body) {
  ApiResponse response;
  response.status = status;
  response.body = protocol::DumpJson(body);
  return response;
}

ApiResponse ErrorResponse(ApiErrorCode code, std::string_view message) {
  ApiResponse response;
  response.status = protocol::http::ApiErrorHttpStatus(code);
  response.body = protocol::http::EncodeApiError(code, message);
  return response;
}

ApiResponse RetryLaterResponse(ApiErrorCode code, std::string_view message, int retry_after_s) {
  ApiResponse response = ErrorResponse(code, message);
  response.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return response;
}

}  // namespace mqchat::api

namespace mqchat::api {

ApiResponse FailureResponse(const Status& status, std::string_view what) {
  std::cerr << "mqchat-api: " << what << ": " << status.message() << "\n";
  if (status.code() != Code::kResourceExhausted) ApiMetrics().store_errors.Inc();  // not busy
  switch (status.code()) {
    case Code::kResourceExhausted:
      return RetryLaterResponse(ApiErrorCode::kOverloaded, "the service is busy; retry later", 1);
    case Code::kUnavailable:
      return RetryLaterResponse(ApiErrorCode::kUnavailable,
                                "the service is unavailable; retry later", 1);
    default:
      return ErrorResponse(ApiErrorCode::kInternal, "internal error");
  }
}

}  // namespace mqchat::api
