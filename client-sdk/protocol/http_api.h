// The HTTP API's shapes (mqchat-api, docs/openapi.yaml), defined once for the service, its tests
// and later clients: the /v1 paths, the JSON field names, and the error body
// {"error":{"code":"...","message":"..."}} with its codes. Codes the MQTT protocol also has
// (docs/PROTOCOL.md section 3) keep its wire names; the others exist only over HTTP.
// Pure values and functions; any thread.
#pragma once

#include <string>
#include <string_view>

namespace mqchat::protocol::http {

inline constexpr std::string_view kPathHealth = "/v1/health";
inline constexpr std::string_view kPathSignup = "/v1/signup";
inline constexpr std::string_view kPathLogin = "/v1/login";
inline constexpr std::string_view kPathRefresh = "/v1/refresh";
inline constexpr std::string_view kPathLogout = "/v1/logout";
inline constexpr std::string_view kPathConnect = "/v1/connect";
inline constexpr std::string_view kPathPassword = "/v1/password";
inline constexpr std::string_view kPathLogoutAll = "/v1/logout_all";
// Profiles and devices (Authorization: Bearer <access token>).
inline constexpr std::string_view kPathMe = "/v1/me";
inline constexpr std::string_view kPathMyAvatar = "/v1/me/avatar";
inline constexpr std::string_view kPathMyDevices = "/v1/me/devices";
inline constexpr std::string_view kPathMyDevice = "/v1/me/devices/{device_id}";
inline constexpr std::string_view kPathUsers = "/v1/users";  // ?prefix= or ?name=
inline constexpr std::string_view kPathUser = "/v1/users/{name}";
inline constexpr std::string_view kPathUserAvatar = "/v1/users/{name}/avatar";

namespace field {
inline constexpr std::string_view kError = "error";
inline constexpr std::string_view kCode = "code";
inline constexpr std::string_view kMessage = "message";
inline constexpr std::string_view kStatus = "status";
inline constexpr std::string_view kUsername = "username";
inline constexpr std::string_view kPassword = "password";
inline constexpr std::string_view kInviteCode = "invite_code";
inline constexpr std::string_view kOldPassword = "old_password";
inline constexpr std::string_view kNewPassword = "new_password";
inline constexpr std::string_view kAccessToken = "access_token";
inline constexpr std::string_view kRefreshToken = "refresh_token";
inline constexpr std::string_view kTokenType = "token_type";
inline constexpr std::string_view kExpiresIn = "expires_in";
inline constexpr std::string_view kBrokers = "brokers";
inline constexpr std::string_view kUrl = "url";
inline constexpr std::string_view kBroker = "broker";  // GET /v1/connect: the broker's node id
inline constexpr std::string_view kConnectedDevices = "connected_devices";
inline constexpr std::string_view kDisplayName = "display_name";
inline constexpr std::string_view kStatusText = "status_text";
inline constexpr std::string_view kDiscoverable = "discoverable";
inline constexpr std::string_view kAvatar = "avatar";  // {"type","url"} or null
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kUsers = "users";
inline constexpr std::string_view kPrefix = "prefix";  // query parameters of GET /v1/users
inline constexpr std::string_view kName = "name";
inline constexpr std::string_view kDeviceId = "device_id";
inline constexpr std::string_view kPlatform = "platform";
inline constexpr std::string_view kDevices = "devices";
inline constexpr std::string_view kCreatedAtMs = "created_at_ms";
inline constexpr std::string_view kLastSeenMs = "last_seen_ms";
inline constexpr std::string_view kPush = "push";  // {"platform","updated_at_ms"} or null
inline constexpr std::string_view kUpdatedAtMs = "updated_at_ms";
}  // namespace field

enum class ApiErrorCode {
  // Shared with the MQTT protocol (same wire names).
  kBadRequest,   // 400: not JSON, not an object, a missing/unknown/mistyped field
  kTooLarge,     // 413: the body exceeds the service's limit
  kNotFound,     // 404: no such path
  kForbidden,    // 403: not allowed (sign-up closed, account disabled)
  kInvalid,      // 422: well-formed but refused by a rule (username, password policy)
  kOverloaded,   // 503 + Retry-After: over the password-hashing budget; retry later
  kUnavailable,  // 503: the store cannot be reached; retry later
  kRateLimited,  // 429 + Retry-After
  kInternal,     // 500: never with details
  // HTTP only.
  kUnauthenticated,       // 401: bad username or password, bad token
  kAlreadyExists,         // 409: the username (ignoring case) is taken
  kMethodNotAllowed,      // 405
  kUnsupportedMediaType,  // 415: a body that is not application/json
};

// The wire name, e.g. "BAD_REQUEST".
std::string_view ApiErrorCodeName(ApiErrorCode code);
// The HTTP status that carries `code`.
int ApiErrorHttpStatus(ApiErrorCode code);
// {"error":{"code":"<name>","message":"<message>"}} as compact JSON text.
std::string EncodeApiError(ApiErrorCode code, std::string_view message);

}  // namespace mqchat::protocol::http
