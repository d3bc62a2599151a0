// Authenticator: decides BASIC_AUTH for every CONNECT. Broker thread only; it never touches the
// store (users come from UserDirectory) and pays PBKDF2 only for credentials it has not seen
// verified recently. Passwords that look like a JWT are verified as tokens instead.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/credential_cache.h"
#include "auth/jwt.h"
#include "auth/login_throttle.h"
#include "auth/user_directory.h"
#include "config/config.h"
#include "mqchat/status.h"
#include "util/clock.h"

namespace mqchat::auth {

struct LoginRequest {
  std::string_view client_id;
  const char* username = nullptr;  // NULL for anonymous clients
  const char* password = nullptr;  // NULL when absent
  std::string_view address;
};

enum class LoginMethod { kPassword, kToken };

struct AuthenticatedClient {
  std::string username;
  std::string device_id;
  LoginMethod method = LoginMethod::kPassword;
};

struct AuthStats {
  uint64_t successes = 0;
  uint64_t failures = 0;
  uint64_t pbkdf2_runs = 0;   // full password verifications (the expensive path)
  uint64_t cache_hits = 0;    // verified from the credential cache
  uint64_t cached_rejects = 0;
  uint64_t throttled = 0;
  uint64_t token_logins = 0;
};

class Authenticator {
 public:
  Authenticator(const AuthConfig& config, const UserDirectory& directory, JwtVerifier verifier,
                const Clock& clock);

  // OK with the client's identity, or: kUnauthenticated (anonymous, unknown user, wrong
  // password or token, disabled user, throttled) / kPermissionDenied (client id names another
  // user or is malformed). Messages are safe to log: they never contain secrets.
  Result<AuthenticatedClient> Authenticate(const LoginRequest& request);

  const AuthStats& stats() const { return stats_; }

 private:
  Result<AuthenticatedClient> AuthenticateToken(const std::string& username,
                                                std::string_view token,
                                                const std::string& device_id);
  Status CheckPassword(const std::string& username, std::string_view password,
                       const std::string& address_key);
  Status Fail(Status status, const std::string& username_key, const std::string& address_key);

  const UserDirectory& directory_;
  JwtVerifier verifier_;
  const Clock& clock_;
  CredentialCache cache_;
  LoginThrottle throttle_;
  AuthStats stats_;
};

}  // namespace mqchat::auth
