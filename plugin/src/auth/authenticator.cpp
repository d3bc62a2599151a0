#include "auth/authenticator.h"

#include "auth/password_hash.h"
#include "protocol/identity.h"

namespace mqchat::auth {
namespace {

// A well-formed hash of the default cost whose key no password derives, for when RAND_bytes
// fails at start (it does not on a working system): unknown users must still cost a hash.
constexpr char kFallbackDummyHash[] =
    "$pbkdf2-sha256$i=210000$bXFjaGF0LWR1bW15LXNhbHQ$bXFjaGF0IGR1bW15IGtleTogbWF0Y2hlcyBub3RoaW4";

std::string DummyHash() {
  auto dummy = MakeDummyHash(kDefaultPbkdf2Iterations);
  return dummy.ok() ? *dummy : std::string(kFallbackDummyHash);
}

const char kBadCredentials[] = "bad username or password";

// Why a password for this entry cannot pass, for the operator's log; empty if it can.
std::string UnusableReason(const std::optional<DirectoryEntry>& entry) {
  if (!entry || entry->state == store::UserState::kDeleted) return kBadCredentials;
  if (entry->state == store::UserState::kDisabled) return "user is disabled";
  if (entry->password_hash.empty()) return "user has no password; log in with a token";
  return "";
}

}  // namespace

Authenticator::Authenticator(const AuthConfig& config, const UserDirectory& directory,
                             JwtVerifier verifier, const Clock& clock)
    : directory_(directory),
      verifier_(std::move(verifier)),
      clock_(clock),
      password_login_(config.password_login),
      dummy_hash_(DummyHash()),
      gate_(config.connect_per_address_per_s, config.connect_per_s),
      cache_(static_cast<int64_t>(config.cache_ttl_s) * 1000,
             static_cast<size_t>(config.cache_max_entries)),
      throttle_(ThrottleLimits{config.fail_max, config.fail_max, config.fail_max_per_prefix},
                static_cast<int64_t>(config.fail_window_s) * 1000),
      hash_budget_(config.hashes_per_s, config.hash_duty_percent) {}

Status Authenticator::Fail(Status status, const LoginKeys& keys) {
  throttle_.RecordFailure(keys, clock_.MonotonicMs());
  ++stats_.failures;
  return status;
}

Result<AuthenticatedClient> Authenticator::Authenticate(const LoginRequest& request) {
  // First and cheapest: a flood of new connections is refused before any other work.
  if (!gate_.Admit(request.address, clock_.MonotonicMs())) {
    ++stats_.connections_gated;
    ++stats_.failures;
    return Status::Unavailable("too many new connections; try again later");
  }
  const LoginKeys anonymous_keys = LoginKeys::For("", request.address);
  if (request.username == nullptr || request.username[0] == '\0') {
    return Fail(Status::Unauthenticated("anonymous clients are not allowed"), anonymous_keys);
  }
  const std::string username(request.username);
  if (auto s = protocol::ValidateAccountName(username); !s.ok()) {
    return Fail(Status::Unauthenticated(s.message()), anonymous_keys);
  }
  auto identity = protocol::ParseClientId(request.client_id);
  if (!identity.ok()) {
    return Fail(Status::PermissionDenied(identity.status().message()), anonymous_keys);
  }
  if (identity->username != username) {
    return Fail(Status::PermissionDenied("client id names user '" + identity->username +
                                         "', not the logged-in user"),
                anonymous_keys);
  }
  const LoginKeys keys = LoginKeys::For(username, request.address);
  if (request.password == nullptr || request.password[0] == '\0') {
    return Fail(Status::Unauthenticated("no password or token given"), keys);
  }
  std::string_view secret(request.password);
  if (verifier_.enabled() && LooksLikeJwt(secret)) {
    return AuthenticateToken(username, secret, identity->device_id);
  }
  MQCHAT_RETURN_IF_ERROR(CheckPassword(username, secret, keys));
  ++stats_.successes;
  return AuthenticatedClient{username, identity->device_id, LoginMethod::kPassword};
}

Result<AuthenticatedClient> Authenticator::AuthenticateToken(const std::string& username,
                                                             std::string_view token,
                                                             const std::string& device_id) {
  // Token failures are not throttled: they cost no PBKDF2.
  auto claims = verifier_.Verify(token, clock_.NowMs() / 1000);
  if (!claims.ok()) {
    ++stats_.failures;
    return claims.status();
  }
  if (claims->subject != username) {
    ++stats_.failures;
    return Status::Unauthenticated("token subject does not match the username");
  }
  // A token for "BOB" must not become a second account beside "bob".
  if (auto taken = directory_.OtherSpelling(username)) {
    ++stats_.failures;
    return Status::Unauthenticated("the name is taken by user '" + *taken +
                                   "' (names are unique ignoring case)");
  }
  // A token proves identity, but an operator's disable or delete still wins.
  auto entry = directory_.Lookup(username);
  if (entry && entry->state != store::UserState::kActive) {
    ++stats_.failures;
    return Status::Unauthenticated("user is disabled");
  }
  // A password change or "log out everywhere" ends the logins made before it, tokens included
  // (iat to the millisecond when the token has a fraction, as the API service's do; a token
  // with whole seconds issued in the second of the change counts as before it). A token
  // without iat is as old as can be.
  if (entry && claims->iat_ms < entry->sessions_valid_after_ms) {
    ++stats_.failures;
    return Status::Unauthenticated(
        "token issued before the user's last password change or logout everywhere");
  }
  // A device signed out through the API: its tokens from before are over (a new login is not).
  if (claims->iat_ms < directory_.DeviceValidAfter(username, device_id)) {
    ++stats_.failures;
    return Status::Unauthenticated("token issued before this device was signed out");
  }
  ++stats_.successes;
  ++stats_.token_logins;
  return AuthenticatedClient{username, device_id, LoginMethod::kToken};
}

// Every step below runs the same way whether or not `username` exists: a user that cannot log
// in with a password is checked against the dummy hash, cached and throttled like any other.
Status Authenticator::CheckPassword(const std::string& username, std::string_view password,
                                    const LoginKeys& keys) {
  if (!password_login_) {
    ++stats_.password_login_off;
    ++stats_.failures;
    return Status::Unauthenticated(
        "password login is off (plugin_opt_password_login); log in "
        "with a token");
  }
  const auto entry = directory_.Lookup(username);
  const std::string refusal = UnusableReason(entry);
  const std::string& stored = refusal.empty() ? entry->password_hash : dummy_hash_;
  const int64_t now = clock_.MonotonicMs();
  const CredentialDigest digest = cache_.Digest(username, password);
  // A credential verified recently passes even while the user or address is throttled, so an
  // attacker's failed guesses cannot lock out a user whose password is already known good.
  switch (cache_.Check(username, digest, stored, now)) {
    case CacheVerdict::kVerified:
      ++stats_.cache_hits;
      throttle_.ResetUser(keys);
      return Status::Ok();
    case CacheVerdict::kRejected:
      ++stats_.cached_rejects;
      return Fail(Status::Unauthenticated(refusal.empty() ? kBadCredentials : refusal), keys);
    case CacheVerdict::kUnknown:
      break;
  }
  if (throttle_.IsThrottled(keys, now)) {
    ++stats_.throttled;
    ++stats_.failures;
    return Status::Unavailable("too many failed logins; try again later");
  }
  if (!hash_budget_.TryTake(now)) {
    ++stats_.over_hash_budget;
    ++stats_.failures;
    return Status::Unavailable("password checks are over budget (plugin_opt_auth_hashes_per_s)");
  }
  ++stats_.pbkdf2_runs;
  auto verified = VerifyPassword(password, stored);
  hash_budget_.Spent(now, clock_.MonotonicMs());
  if (!verified.ok()) {
    return Fail(
        Status::Unauthenticated("stored password hash is unusable: " + verified.status().message()),
        keys);
  }
  if (!*verified || !refusal.empty()) {
    cache_.RecordRejected(username, digest, stored, now);
    return Fail(Status::Unauthenticated(refusal.empty() ? kBadCredentials : refusal), keys);
  }
  cache_.RecordVerified(username, digest, stored, now);
  throttle_.ResetUser(keys);
  return Status::Ok();
}

}  // namespace mqchat::auth
