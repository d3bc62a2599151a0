#include "protocol/http_api.h"

#include <nlohmann/json.hpp>

#include "protocol/errors.h"
#include "protocol/json_util.h"

namespace mqchat::protocol::http {

std::string_view ApiErrorCodeName(ApiErrorCode code) {
  switch (code) {
    case ApiErrorCode::kBadRequest: return ErrorCodeName(ErrorCode::kBadRequest);
    case ApiErrorCode::kTooLarge: return ErrorCodeName(ErrorCode::kTooLarge);
    case ApiErrorCode::kNotFound: return ErrorCodeName(ErrorCode::kNotFound);
    case ApiErrorCode::kForbidden: return ErrorCodeName(ErrorCode::kForbidden);
    case ApiErrorCode::kInvalid: return ErrorCodeName(ErrorCode::kInvalid);
    case ApiErrorCode::kOverloaded: return ErrorCodeName(ErrorCode::kOverloaded);
    case ApiErrorCode::kUnavailable: return ErrorCodeName(ErrorCode::kUnavailable);
    case ApiErrorCode::kRateLimited: return ErrorCodeName(ErrorCode::kRateLimited);
    case ApiErrorCode::kInternal: return ErrorCodeName(ErrorCode::kInternal);
    case ApiErrorCode::kUnauthenticated: return "UNAUTHENTICATED";
    case ApiErrorCode::kAlreadyExists: return "ALREADY_EXISTS";
    case ApiErrorCode::kMethodNotAllowed: return "METHOD_NOT_ALLOWED";
    case ApiErrorCode::kUnsupportedMediaType: return "UNSUPPORTED_MEDIA_TYPE";
  }
  return "INTERNAL";
}

int ApiErrorHttpStatus(ApiErrorCode code) {
  switch (code) {
    case ApiErrorCode::kBadRequest: return 400;
    case ApiErrorCode::kTooLarge: return 413;
    case ApiErrorCode::kNotFound: return 404;
    case ApiErrorCode::kForbidden: return 403;
    case ApiErrorCode::kInvalid: return 422;
    case ApiErrorCode::kOverloaded: return 503;
    case ApiErrorCode::kUnavailable: return 503;
    case ApiErrorCode::kRateLimited: return 429;
    case ApiErrorCode::kInternal: return 500;
    case ApiErrorCode::kUnauthenticated: return 401;
    case ApiErrorCode::kAlreadyExists: return 409;
    case ApiErrorCode::kMethodNotAllowed: return 405;
    case ApiErrorCode::kUnsupportedMediaType: return 415;
  }
  return 500;
}

std::string EncodeApiError(ApiErrorCode code, std::string_view message) {
  nlohmann::json error = nlohmann::json::object();
  error[std::string(field::kCode)] = std::string(ApiErrorCodeName(code));
  error[std::string(field::kMessage)] = std::string(message);
  nlohmann::json body = nlohmann::json::object();
  body[std::string(field::kError)] = std::move(error);
  return DumpJson(body);
}

}  // namespace mqchat::protocol::http
