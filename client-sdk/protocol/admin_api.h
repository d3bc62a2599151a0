// The server-to-server admin API over HTTP (mqchat-api's api/src/admin.h; docs/openapi.yaml
// "Admin"): paths an app backend calls with "Authorization: Bearer <admin key>". Bodies and
// answers use the field names of http_api.h. Pure values; any thread.
#pragma once

#include <string_view>

namespace mqchat::protocol::http {

inline constexpr std::string_view kPathAdminUsers = "/v1/admin/users";
inline constexpr std::string_view kPathAdminUserDisable = "/v1/admin/users/{name}/disable";
inline constexpr std::string_view kPathAdminUserTokens = "/v1/admin/users/{name}/tokens";
// Groups (api/src/admin_groups.h): POST creates; a group's members: GET lists, POST adds,
// DELETE .../{name} removes.
inline constexpr std::string_view kPathAdminGroups = "/v1/admin/groups";
inline constexpr std::string_view kPathAdminGroupMembers = "/v1/admin/groups/{id}/members";
inline constexpr std::string_view kPathAdminGroupMember = "/v1/admin/groups/{id}/members/{name}";
// The moderation queue (api/src/admin_reports.h): GET lists (?open=true: unresolved only),
// GET .../{id} reads one, POST .../{id}/resolve resolves it.
inline constexpr std::string_view kPathAdminReports = "/v1/admin/reports";
inline constexpr std::string_view kPathAdminReport = "/v1/admin/reports/{id}";
inline constexpr std::string_view kPathAdminReportResolve = "/v1/admin/reports/{id}/resolve";

// Body fields of the admin API beside those of http_api.h and of the MQTT protocol's
// create_group / add_members (protocol/fields.h: "name", "members", "users").
namespace field {
inline constexpr std::string_view kOwner = "owner";
inline constexpr std::string_view kReports = "reports";
inline constexpr std::string_view kReport = "report";
inline constexpr std::string_view kNote = "note";
inline constexpr std::string_view kDeleteMessage = "delete_message";
inline constexpr std::string_view kDisableUser = "disable_user";
}  // namespace field

}  // namespace mqchat::protocol::http
