#include "cors.h"

#include <algorithm>

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
constexpr const char* kAllowMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
constexpr const char* kAllowHeaders = "Content-Type, Authorization";
constexpr const char* kMaxAgeS = "600";
}  // namespace

bool CorsPolicy::Allowed(const std::string& origin) const {
  return std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

std::optional<ApiResponse> CorsPolicy::Intercept(const ApiRequest& request) const {
  if (request.origin.empty()) return std::nullopt;
  if (!Allowed(request.origin)) {
    return ErrorResponse(ApiErrorCode::kForbidden,
                         "this origin may not call the API (cors_origin)");
  }
  if (request.method != "OPTIONS" || request.cors_request_method.empty()) return std::nullopt;
  ApiResponse preflight;
  preflight.status = 204;
  preflight.headers = {{"Access-Control-Allow-Methods", kAllowMethods},
                       {"Access-Control-Allow-Headers", kAllowHeaders},
                       {"Access-Control-Max-Age", kMaxAgeS}};
  Decorate(request, &preflight);
  return preflight;
}

void CorsPolicy::Decorate(const ApiRequest& request, ApiResponse* response) const {
  if (request.origin.empty() || !Allowed(request.origin)) return;
  response->headers.emplace_back("Access-Control-Allow-Origin", request.origin);
  response->headers.emplace_back("Vary", "Origin");
}

}  // namespace mqchat::api
