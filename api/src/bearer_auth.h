// BearerAuth: who calls the profile and device endpoints. The caller sends the access token of
// its login (access_token.h) as "Authorization: Bearer <token>"; it is verified as the brokers
// verify it (auth/jwt.h, RS256 with the public half of the service's key, iss/aud when
// configured), then its user must be active and the token issued (iat) no earlier than the
// user's sessions cut-off (a password change or logout everywhere ends it here too).
// Immutable after Create; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "auth/jwt.h"
#include "http_types.h"
#include "store_pool.h"

namespace mqchat::api {

class BearerAuth {
 public:
  // kInvalidArgument if `private_key_pem` holds no RSA private key.
  static Result<BearerAuth> Create(const std::string& private_key_pem, std::string issuer,
                                   std::string audience);

  // The caller's username (as stored), or the response to send: 401 UNAUTHENTICATED with
  // WWW-Authenticate for a missing or bad token, 503 if the store fails. `store` is the
  // request's lease.
  std::variant<std::string, ApiResponse> Authenticate(const ApiRequest& request,
                                                      StoreLease& store, int64_t now_ms) const;

 private:
  explicit BearerAuth(auth::JwtVerifier verifier) : verifier_(std::move(verifier)) {}
  auth::JwtVerifier verifier_;
};

// The PEM public key (SubjectPublicKeyInfo) of a PEM private key; kInvalidArgument if none.
Result<std::string> PublicKeyPemOf(const std::string& private_key_pem);

}  // namespace mqchat::api
