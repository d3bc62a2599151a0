// ParseRequestBody: the body of one op read from a JSON object exactly as ParseRequest
// (requests.h) reads a payload's: the same fields, limits and errors, unknown fields ignored.
// For the same request made over another transport: the admin API's group changes
// (api/src/admin_groups.h) read create_group's and add_members' bodies with it. Defined in
// requests.cpp. Pure; any thread.
#pragma once

#include <optional>

#include <nlohmann/json_fwd.hpp>

#include "protocol/errors.h"
#include "protocol/ops.h"
#include "protocol/requests.h"

namespace mqchat::protocol {

std::optional<ProtocolError> ParseRequestBody(Op op, const nlohmann::json& obj,
                                              const RequestLimits& limits, RequestBody* body);

}  // namespace mqchat::protocol
