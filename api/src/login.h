// POST /v1/login {"username","password"} -> {"username","access_token","token_type":"Bearer",
// "expires_in"}: checks the password on the PasswordPool (an unknown or passwordless user costs
// the same PBKDF2 work against a dummy hash, and gets the same 401 UNAUTHENTICATED as a wrong
// password), then issues an access token the brokers accept. A disabled user with the right
// password gets 403 FORBIDDEN. The username must be spelled as stored. Thread-safe.
#pragma once

#include <functional>

#include "access_token.h"
#include "http_types.h"
#include "password_pool.h"
#include "store_pool.h"

namespace mqchat::api {

class LoginHandler {
 public:
  // `now_s` gives the time tokens are issued at (seconds since the epoch).
  LoginHandler(StorePool* stores, PasswordPool* passwords, const AccessTokenIssuer* tokens,
               std::function<int64_t()> now_s)
      : stores_(stores), passwords_(passwords), tokens_(tokens), now_s_(std::move(now_s)) {}

  ApiResponse Handle(const ApiRequest& request);

 private:
  StorePool* stores_;
  PasswordPool* passwords_;
  const AccessTokenIssuer* tokens_;
  std::function<int64_t()> now_s_;
};

}  // namespace mqchat::api
