#include "request_body.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "protocol/json_bounds.h"

namespace mqchat::api {
namespace {

using protocol::http::ApiErrorCode;

bool IsJsonContentType(std::string_view content_type) {
  std::string lower(content_type.substr(0, content_type.find(';')));
  lower.erase(std::remove_if(lower.begin(), lower.end(),
                             [](unsigned char c) { return std::isspace(c); }),
              lower.end());
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return lower == "application/json";
}

}  // namespace

BodyOrError ParseJsonBody(const ApiRequest& request,
                          std::initializer_list<std::string_view> allowed_fields) {
  if (!IsJsonContentType(request.content_type)) {
    return ErrorResponse(ApiErrorCode::kUnsupportedMediaType,
                         "the body must be JSON (Content-Type: application/json)");
  }
  protocol::JsonBounds bounds;
  bounds.max_depth = 2;
  bounds.max_elements = 64;
  bounds.max_string_bytes = 4096;
  auto scan = protocol::ScanJsonBounds(request.body, bounds, "");
  if (scan.excess) return ErrorResponse(ApiErrorCode::kTooLarge, *scan.excess);
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, /*allow_exceptions=*/false);
  if (!scan.syntax_ok || body.is_discarded()) {
    return ErrorResponse(ApiErrorCode::kBadRequest, "the body is not valid JSON");
  }
  if (!body.is_object()) {
    return ErrorResponse(ApiErrorCode::kBadRequest, "the body must be a JSON object");
  }
  for (const auto& item : body.items()) {
    bool known = std::find(allowed_fields.begin(), allowed_fields.end(), item.key()) !=
                 allowed_fields.end();
    if (!known) {
      return ErrorResponse(ApiErrorCode::kBadRequest, "unknown field '" + item.key() + "'");
    }
  }
  return body;
}

std::optional<ApiResponse> ReadRequiredStrings(
    const nlohmann::json& body,
    std::initializer_list<std::pair<std::string_view, std::string*>> fields) {
  for (const auto& [key, out] : fields) {
    auto it = body.find(std::string(key));
    if (it == body.end() || it->is_null()) {
      return ErrorResponse(ApiErrorCode::kBadRequest, "missing field '" + std::string(key) + "'");
    }
    if (!it->is_string()) {
      return ErrorResponse(ApiErrorCode::kBadRequest,
                           "field '" + std::string(key) + "' must be a string");
    }
    *out = it->get<std::string>();
  }
  return std::nullopt;
}

}  // namespace mqchat::api
