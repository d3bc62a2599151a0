// The session endpoints. Each answers a logged-in session as {"username","access_token",
// "token_type":"Bearer","expires_in","refresh_token"}.
// - POST /v1/login {"username","password","device_id"?,"platform"?}: checks the password on
//   the PasswordPool (an unknown or passwordless user costs the same PBKDF2 work against a
//   dummy hash and gets the same 401 UNAUTHENTICATED as a wrong password; any spelling of the
//   name), then starts a refresh-token family, of the device when one is named (it is then
//   listed by GET /v1/me/devices and signed out by DELETE /v1/me/devices/{id}; devices.h).
//   A disabled user with the right password gets 403 FORBIDDEN. Failed logins are counted per
//   username, address and network (login_limits.h): past a limit 429 RATE_LIMITED with
//   Retry-After, before any store lookup or hash; a full password pool answers 503 OVERLOADED
//   with Retry-After (password_pool.h).
// - POST /v1/refresh {"refresh_token"}: rotates the token (refresh_tokens.h; a reused token
//   revokes its family) and issues a new access token, if the user is still active; the
//   family's device is seen now.
// - POST /v1/logout {"refresh_token"}: revokes the token's family; answers {}.
// Thread-safe.
#pragma once

#include <functional>

#include "access_token.h"
#include "http_types.h"
#include "login_limits.h"
#include "password_pool.h"
#include "refresh_tokens.h"
#include "store_pool.h"

namespace mqchat::api {

inline constexpr size_t kMaxPlatformChars = 32;  // a login's "platform" label

class SessionHandlers {
 public:
  // `now_ms` gives the time tokens are issued at (milliseconds since the epoch).
  SessionHandlers(StorePool* stores, PasswordPool* passwords, LoginLimits* limits,
                  const AccessTokenIssuer* tokens, RefreshTokens refresh,
                  std::function<int64_t()> now_ms)
      : stores_(stores),
        passwords_(passwords),
        limits_(limits),
        tokens_(tokens),
        refresh_(refresh),
        now_ms_(std::move(now_ms)) {}

  ApiResponse Login(const ApiRequest& request);
  ApiResponse Refresh(const ApiRequest& request);
  ApiResponse Logout(const ApiRequest& request);

 private:
  // The session body for `username` with `refresh_token`.
  ApiResponse SessionResponse(const std::string& username, const std::string& refresh_token);

  StorePool* stores_;
  PasswordPool* passwords_;
  LoginLimits* limits_;
  const AccessTokenIssuer* tokens_;
  RefreshTokens refresh_;
  std::function<int64_t()> now_ms_;
};

}  // namespace mqchat::api
