#include "sessions.h"

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
  auto parsed = ParseJsonBody(request, {field::kUsername, field::kPassword});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  std::string username, password;
  if (auto error = ReadRequiredStrings(std::get<nlohmann::json>(parsed),
                                       {{field::kUsername, &username}, {field::kPassword, &password}})) {
    return *error;
  }
  if (password.size() > kMaxPasswordBytes) return BadCredentials();
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
  auto match = passwords_->Verify(password, stored_hash);
  if (!match.ok() && match.status().code() == Code::kResourceExhausted) {
    return FailureResponse(match.status(), "login verify");
  }
  if (!match.ok() || !*match || state == store::UserState::kDeleted) return BadCredentials();
  if (state != store::UserState::kActive) {
    return ErrorResponse(ApiErrorCode::kForbidden, "this account is disabled");
  }
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "login store");
  auto refresh = refresh_.Start(store->sessions(), username, now_ms_());
  if (!refresh.ok()) {
    if (refresh.status().code() == Code::kUnavailable) store->Discard();
    return FailureResponse(refresh.status(), "login refresh token");
  }
  return SessionResponse(username, *refresh);
}

ApiResponse SessionHandlers::Refresh(const ApiRequest& request) {
  auto token = ReadRefreshToken(request);
  if (auto* error = std::get_if<ApiResponse>(&token)) return *error;
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "refresh store");
  const std::string& presented = std::get<std::string>(token);
  auto rotated = refresh_.Rotate(store->sessions(), presented, now_ms_());
  if (!rotated.ok()) {
    if (rotated.status().code() == Code::kUnauthenticated) return BadRefreshToken();
    if (rotated.status().code() == Code::kUnavailable) store->Discard();
    return FailureResponse(rotated.status(), "refresh rotate");
  }
  auto user = (*store)->GetUser(rotated->username);
  if (!user.ok() || user->state != store::UserState::kActive) {
    // Disabled or deleted since the login: the family ends with this (already rotated) token.
    (void)refresh_.Revoke(store->sessions(), rotated->refresh_token);
    return BadRefreshToken();
  }
  return SessionResponse(rotated->username, rotated->refresh_token);
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
