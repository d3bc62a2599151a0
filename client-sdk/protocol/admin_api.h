// The server-to-server admin API over HTTP (mqchat-api's api/src/admin.h; docs/openapi.yaml
// "Admin"): paths an app backend calls with "Authorization: Bearer <admin key>". Bodies and
// answers use the field names of http_api.h. Pure values; any thread.
#pragma once

#include <string_view>

namespace mqchat::protocol::http {

inline constexpr std::string_view kPathAdminUsers = "/v1/admin/users";
inline constexpr std::string_view kPathAdminUserDisable = "/v1/admin/users/{name}/disable";
inline constexpr std::string_view kPathAdminUserTokens = "/v1/admin/users/{name}/tokens";

}  // namespace mqchat::protocol::http
