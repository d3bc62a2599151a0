// Authenticator: decides BASIC_AUTH for every CONNECT. Broker thread only; it never touches the
// store (users come from UserDirectory) and pays PBKDF2 only for credentials it has not seen
// verified recently. Passwords that look like a JWT are verified as tokens instead.
// Before anything else a ConnectionGate refuses connections over the per-address and total
// rates. A password for an unknown, disabled or token-only user is checked against a dummy
// hash of the default cost, so every refusal costs the same and says the same (the broker
// answers every refusal with CONNACK 0x87): no one learns by answer or timing who has an
// account. Past the throttles (user, address, network prefix) and the global hash budget a
// password is refused without hashing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/connection_gate.h"
#include "auth/credential_cache.h"
#include "auth/hash_budget.h"
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
  uint64_t pbkdf2_runs = 0;  // full password verifications (the expensive path)
  uint64_t cache_hits = 0;   // verified from the credential cache
  uint64_t cached_rejects = 0;
  uint64_t throttled = 0;
  uint64_t token_logins = 0;
  uint64_t over_hash_budget = 0;    // refused: the global PBKDF2 budget was spent
  uint64_t connections_gated = 0;   // refused by the connection rate, before any other check
  uint64_t password_login_off = 0;  // password given while plugin_opt_password_login is false
};

class Authenticator {
 public:
  Authenticator(const AuthConfig& config, const UserDirectory& directory, JwtVerifier verifier,
                const Clock& clock);

  // OK with the client's identity, or: kUnauthenticated (anonymous, unknown user, wrong
  // password or token, disabled user, throttled, password login off) / kPermissionDenied
  // (client id names another user or is malformed) / kUnavailable (over the connection rate or
  // the hash budget). Messages are for the operator's log (they never contain secrets); the
  // client only ever sees "not authorized".
  Result<AuthenticatedClient> Authenticate(const LoginRequest& request);

  const AuthStats& stats() const { return stats_; }

 private:
  Result<AuthenticatedClient> AuthenticateToken(const std::string& username, std::string_view token,
                                                const std::string& device_id);
  Status CheckPassword(const std::string& username, std::string_view password,
                       const LoginKeys& keys);
  Status Fail(Status status, const LoginKeys& keys);

  const UserDirectory& directory_;
  JwtVerifier verifier_;
  const Clock& clock_;
  const bool password_login_;
  const std::string dummy_hash_;  // MakeDummyHash(), fixed for the process
  ConnectionGate gate_;
  CredentialCache cache_;
  LoginThrottle throttle_;
  HashBudget hash_budget_;
  AuthStats stats_;
};

}  // namespace mqchat::auth
