// Strict decoding of a JSON request body: Content-Type application/json, a JSON object within
// small bounds (depth, values, string length), no field outside the endpoint's list, so a typo
// is a clear 400 instead of a silently ignored option. Pure; any thread.
#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "http_types.h"

namespace mqchat::api {

// The parsed object, or the error response to send.
using BodyOrError = std::variant<nlohmann::json, ApiResponse>;

BodyOrError ParseJsonBody(const ApiRequest& request,
                          std::initializer_list<std::string_view> allowed_fields);

// Reads each required string field (name, destination) of `body`: the error response for the
// first one missing or not a string, else nullopt.
std::optional<ApiResponse> ReadRequiredStrings(
    const nlohmann::json& body,
    std::initializer_list<std::pair<std::string_view, std::string*>> fields);

}  // namespace mqchat::api
