#include "sessions.h"

#include <algorithm>
#include <optional>
#include <variant>

#include "protocol/identity.h"
#include "request_body.h"
#include "signup.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace field = protocol::http::field;

ApiResponse BadCredentials() {
  return ErrorResponse(ApiErrorCode::kUnauthenticated, "bad username or password");
}

// The user `username` names in any spelling (names are unique ignoring case): the exact
// spelling first, else the account whose username_key matches. kNotFound if neither.
Result<store::UserRecord> FindUserAnySpelling(StoreLease& store, const std::string& username) {
  auto exact = store->GetUser(username);
  if (exact.ok() || exact.status().code() != Code::kNotFound) return exact;
  auto stored = store.sessions().UsernameForKey(protocol::UsernameKey(username));
  if (!stored.ok()) return stored.status();
  return store->GetUser(*stored);
}

ApiResponse BadRefreshToken() {
  return ErrorResponse(ApiErrorCode::kUnauthenticated, "the refresh token is not valid");
}

// The refresh token of a {"refresh_token"} body, or the error response.
std::variant<std::string, ApiResponse> ReadRefreshToken(const ApiRequest& request) {
  auto parsed = ParseJsonBody(request, {field::kRefreshToken});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  std::string token;
  if (auto error = ReadRequiredStrings(std::get<nlohmann::json>(parsed),
                                       {{field::kRefreshToken, &token}})) {
    return *error;
  }
  return token;
}

// The optional device_id (the MQTT rules, protocol/identity.h) and platform (a label of up to
// kMaxPlatformChars printable ASCII characters) of a login body; the 4xx if one is bad.
std::optional<ApiResponse> ReadDevice(const nlohmann::json& body, std::string* device_id,
                                      std::string* platform) {
  for (auto [key, out] : {std::pair{field::kDeviceId, device_id},
                          std::pair{field::kPlatform, platform}}) {
    auto it = body.find(std::string(key));
    if (it == body.end()) continue;
    if (!it->is_string()) {
      return ErrorResponse(ApiErrorCode::kBadRequest,
                           "field '" + std::string(key) + "' must be a string");
    }
    *out = it->get<std::string>();
  }
  if (!device_id->empty()) {
    if (Status valid = protocol::ValidateDeviceId(*device_id); !valid.ok()) {
      return ErrorResponse(ApiErrorCode::kInvalid, valid.message());
    }
  } else if (!platform->empty()) {
    return ErrorResponse(ApiErrorCode::kBadRequest, "platform needs a device_id");
  }
  bool printable = std::all_of(platform->begin(), platform->end(),
                               [](unsigned char c) { return c > 0x20 && c < 0x7f; });
  if (!printable || platform->size() > kMaxPlatformChars) {
    return ErrorResponse(ApiErrorCode::kInvalid,
                         "platform must be up to " + std::to_string(kMaxPlatformChars) +
                             " printable ASCII characters without spaces");
  }
  return std::nullopt;
}

}  // namespace

ApiResponse SessionHandlers::SessionResponse(const std::string& username,
                                             const std::string& refresh_token) {
  auto token = tokens_->Issue(username, now_ms_());
  if (!token.ok()) return FailureResponse(token.status(), "issue access token");
  return JsonResponse(200, {{std::string(field::kUsername), username},
                            {std::string(field::kAccessToken), token->token},
                            {std::string(field::kTokenType), "Bearer"},
                            {std::string(field::kExpiresIn), token->expires_in_s},
                            {std::string(field::kRefreshToken), refresh_token}});
}

ApiResponse SessionHandlers::Login(const ApiRequest& request) {
  auto parsed = ParseJsonBody(
      request, {field::kUsername, field::kPassword, field::kDeviceId, field::kPlatform});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  const auto& body = std::get<nlohmann::json>(parsed);
  std::string username, password;
  if (auto error = ReadRequiredStrings(body, {{field::kUsername, &username},
                                              {field::kPassword, &password}})) {
    return *error;
  }
  std::string device_id, platform;
  if (auto error = ReadDevice(body, &device_id, &platform)) return *error;
  const auth::LoginKeys keys = LoginLimits::Keys(username, request.remote_addr);
  if (int wait_s = limits_->RetryAfterS(keys, now_ms_())) {
    return RetryLaterResponse(ApiErrorCode::kRateLimited,
                              "too many failed logins; try again later", wait_s);
  }
  if (password.size() > kMaxPasswordBytes) {
    limits_->RecordFailure(keys, now_ms_());
    return BadCredentials();
  }
  std::string stored_hash;  // empty: unknown, deleted or passwordless (verified against a dummy)
  store::UserState state = store::UserState::kActive;
  {
    auto store = stores_->Acquire();
    if (!store.ok()) return FailureResponse(store.status(), "login store");
    auto user = FindUserAnySpelling(*store, username);
    if (user.ok()) {
      stored_hash = user->password_hash;
      state = user->state;
      username = user->username;  // the token and refresh family carry the stored spelling
    } else if (user.status().code() != Code::kNotFound) {
      if (user.status().code() == Code::kUnavailable) store->Discard();
      return FailureResponse(user.status(), "login get user");
    }
  }  // the store goes back before the slow part
  PoolRefusal refused;
  auto match = passwords_->Verify(password, stored_hash, keys.prefix, &refused);
  if (!match.ok() && match.status().code() == Code::kResourceExhausted) {
    return PoolRefusalResponse(refused);  // not a failed login: nothing was checked
  }
  if (!match.ok() || !*match || state == store::UserState::kDeleted) {
    limits_->RecordFailure(keys, now_ms_());
    return BadCredentials();
  }
  if (state != store::UserState::kActive) {
    return ErrorResponse(ApiErrorCode::kForbidden, "this account is disabled");
  }
  limits_->RecordSuccess(keys);
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "login store");
  auto refresh = refresh_.Start(store->sessions(), username, device_id, now_ms_());
  Status touched = refresh.status();
  if (refresh.ok() && !device_id.empty()) {
    touched = store->profiles().TouchDevice(username, device_id, platform, now_ms_());
  }
  if (!touched.ok()) {
    if (touched.code() == Code::kUnavailable) store->Discard();
    return FailureResponse(touched, "login refresh token");
  }
  return SessionResponse(username, *refresh);
}

ApiResponse SessionHandlers::Refresh(const ApiRequest& request) {
  auto token = ReadRefreshToken(request);
  if (auto* error = std::get_if<ApiResponse>(&token)) return *error;
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "refresh store");
  const std::string& presented = std::get<std::string>(token);
  auto outcome = refresh_.Rotate(store->sessions(), presented, now_ms_());
  if (!outcome.ok()) {
    if (outcome.status().code() == Code::kUnavailable) store->Discard();
    return FailureResponse(outcome.status(), "refresh rotate");
  }
  if (outcome->refused) {
    ApiResponse refused = BadRefreshToken();  // the same answer, counted apart (api_metrics.h)
    if (*outcome->refused == RefreshRefusal::kReused) refused.outcome = "reuse_detected";
    return refused;
  }
  const Rotated& rotated = outcome->rotated;
  auto user = (*store)->GetUser(rotated.username);
  if (!user.ok() || user->state != store::UserState::kActive) {
    // Disabled or deleted since the login: the family ends with this (already rotated) token.
    (void)refresh_.Revoke(store->sessions(), rotated.refresh_token);
    return BadRefreshToken();
  }
  if (!rotated.device_id.empty()) {  // last seen; a failure here costs no login
    Status touched =
        store->profiles().TouchDevice(rotated.username, rotated.device_id, "", now_ms_());
    if (!touched.ok()) (void)FailureResponse(touched, "refresh touch device");  // logged
  }
  return SessionResponse(rotated.username, rotated.refresh_token);
}

ApiResponse SessionHandlers::Logout(const ApiRequest& request) {
  auto token = ReadRefreshToken(request);
  if (auto* error = std::get_if<ApiResponse>(&token)) return *error;
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "logout store");
  Status revoked = refresh_.Revoke(store->sessions(), std::get<std::string>(token));
  if (revoked.code() == Code::kUnauthenticated) return BadRefreshToken();
  if (!revoked.ok()) {
    if (revoked.code() == Code::kUnavailable) store->Discard();
    return FailureResponse(revoked, "logout revoke");
  }
  return JsonResponse(200, nlohmann::json::object());
}

}  // namespace mqchat::api
