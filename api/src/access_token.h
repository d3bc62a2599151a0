// AccessTokenIssuer: mints the short-lived access tokens clients log in to the brokers with: a
// JWT signed RS256 with the service's RSA private key, which the brokers verify with the public
// key alone (plugin_opt_jwt_rs256_public_key_file; auth/jwt.h). Claims: sub (the username as
// stored), iat, nbf, exp (iat + ttl), a random jti, and iss/aud when configured.
// Immutable after Create; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "mqchat/status.h"

namespace mqchat::api {

struct AccessToken {
  std::string token;  // never log it
  int64_t expires_in_s = 0;
};

class AccessTokenIssuer {
 public:
  // Fails with kInvalidArgument if `private_key_pem` cannot sign RS256.
  static Result<AccessTokenIssuer> Create(std::string private_key_pem, std::string issuer,
                                          std::string audience, int64_t ttl_s);

  // `now_ms`: milliseconds since the epoch (iat keeps them as a fraction).
  Result<AccessToken> Issue(const std::string& username, int64_t now_ms) const;

 private:
  AccessTokenIssuer() = default;
  std::string private_key_pem_;
  std::string issuer_;
  std::string audience_;
  int64_t ttl_s_ = 0;
};

}  // namespace mqchat::api
