// AdminHandlers: the server-to-server admin API, for app backends that keep their own accounts
// (what Stream's and Sendbird's server SDKs offer); `mqchatctl` stays the operators' tool. Every
// /v1/admin request carries "Authorization: Bearer <admin key>", the content of
// `admin_key_file` (at least kMinAdminKeyBytes; trailing whitespace ignored), compared in
// constant time (SHA-256 of both, CRYPTO_memcmp); a wrong or missing key, or no key configured,
// gets the same 401. The key is never logged.
//  - POST /v1/admin/users {username, password?}: creates an active user (AccountStore::AddUser,
//    what sign-up and `mqchatctl user add` use); without a password the user logs in only with
//    tokens minted here. 201 {username}; 409 if the name exists (deleted names included).
//  - POST /v1/admin/users/{name}/disable: AccountStore::SetState(kDisabled), as `mqchatctl user
//    disable`: logins are refused and every broker's user refresher ends the user's sessions.
//  - POST /v1/admin/users/{name}/tokens: an access token for an active user (what login returns,
//    without a refresh token); 404 for a user that does not exist, 403 for a disabled one.
// Thread-safe (HTTP threads).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "access_token.h"
#include "http_types.h"
#include "password_pool.h"
#include "store_pool.h"

namespace mqchat::api {

inline constexpr size_t kMinAdminKeyBytes = 32;

// The 401 of a request without the admin key (the same for every admin path).
ApiResponse AdminUnauthenticated();

class AdminHandlers {
 public:
  // `admin_key` empty: the admin API is off (every request 401). Otherwise at least
  // kMinAdminKeyBytes after trimming, else kInvalidArgument.
  static Result<std::string> LoadKey(const std::string& admin_key_file);

  AdminHandlers(const std::string& admin_key, StorePool* stores, PasswordPool* passwords,
                const AccessTokenIssuer* tokens, std::function<int64_t()> now_ms);

  ApiResponse CreateUser(const ApiRequest& request) const;
  ApiResponse DisableUser(const ApiRequest& request) const;
  ApiResponse MintToken(const ApiRequest& request) const;

  // Whether `request` carries the admin key (the other admin handlers ask here too).
  bool Authorized(const ApiRequest& request) const;

 private:

  bool enabled_;
  unsigned char key_digest_[32];  // SHA-256 of the admin key
  StorePool* stores_;
  PasswordPool* passwords_;
  const AccessTokenIssuer* tokens_;
  std::function<int64_t()> now_ms_;
};

}  // namespace mqchat::api
