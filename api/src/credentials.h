// The credential endpoints, both authenticated by a live refresh token of the caller's login:
// - POST /v1/password {"refresh_token","old_password","new_password"}: checks the old password
//   (401 UNAUTHENTICATED if wrong) and the new one against the sign-up policy (422 INVALID),
//   revokes every other refresh family of the user (this login stays), then stores the new hash
//   in one UPDATE that also moves the user's rev, so every broker's user refresher sees the
//   credentials change and ends the user's MQTT sessions. Answers {}.
// - POST /v1/logout_all {"refresh_token"}: revokes every refresh family of the user, this one
//   included. Answers {}.
// Thread-safe.
#pragma once

#include <functional>

#include "http_types.h"
#include "password_pool.h"
#include "refresh_tokens.h"
#include "store_pool.h"

namespace mqchat::api {

class CredentialHandlers {
 public:
  CredentialHandlers(StorePool* stores, PasswordPool* passwords, RefreshTokens refresh,
                     std::function<int64_t()> now_ms)
      : stores_(stores), passwords_(passwords), refresh_(refresh), now_ms_(std::move(now_ms)) {}

  ApiResponse ChangePassword(const ApiRequest& request);
  ApiResponse LogoutAll(const ApiRequest& request);

 private:
  // Stores `hash` for `username` after revoking its families but `keep_family_id`.
  ApiResponse StorePassword(const std::string& username, const std::string& keep_family_id,
                            const std::string& hash);

  StorePool* stores_;
  PasswordPool* passwords_;
  RefreshTokens refresh_;
  std::function<int64_t()> now_ms_;
};

}  // namespace mqchat::api
