#include "auth/authenticator.h"

#include "auth/password_hash.h"
#include "protocol/identity.h"

namespace mqchat::auth {
namespace {

std::string UserKey(const std::string& username) { return "u:" + username; }
std::string AddressKey(std::string_view address) { return "a:" + std::string(address); }

}  // namespace

Authenticator::Authenticator(const AuthConfig& config, const UserDirectory& directory,
                             JwtVerifier verifier, const Clock& clock)
    : directory_(directory),
      verifier_(std::move(verifier)),
      clock_(clock),
      cache_(static_cast<int64_t>(config.cache_ttl_s) * 1000,
             static_cast<size_t>(config.cache_max_entries)),
      throttle_(config.fail_max, static_cast<int64_t>(config.fail_window_s) * 1000) {}

Status Authenticator::Fail(Status status, const std::string& username_key,
                           const std::string& address_key) {
  const int64_t now = clock_.MonotonicMs();
  if (!username_key.empty()) throttle_.RecordFailure(username_key, now);
  throttle_.RecordFailure(address_key, now);
  ++stats_.failures;
  return status;
}

Result<AuthenticatedClient> Authenticator::Authenticate(const LoginRequest& request) {
  const std::string address_key = AddressKey(request.address);
  if (request.username == nullptr || request.username[0] == '\0') {
    return Fail(Status::Unauthenticated("anonymous clients are not allowed"), "", address_key);
  }
  const std::string username(request.username);
  if (auto s = protocol::ValidateUsername(username); !s.ok()) {
    return Fail(Status::Unauthenticated(s.message()), "", address_key);
  }
  auto identity = protocol::ParseClientId(request.client_id);
  if (!identity.ok()) {
    return Fail(Status::PermissionDenied(identity.status().message()), "", address_key);
  }
  if (identity->username != username) {
    return Fail(Status::PermissionDenied("client id names user '" + identity->username +
                                         "', not the logged-in user"),
                "", address_key);
  }
  if (request.password == nullptr || request.password[0] == '\0') {
    return Fail(Status::Unauthenticated("no password or token given"), UserKey(username),
                address_key);
  }
  std::string_view secret(request.password);
  if (verifier_.enabled() && LooksLikeJwt(secret)) {
    return AuthenticateToken(username, secret, identity->device_id);
  }
  MQCHAT_RETURN_IF_ERROR(CheckPassword(username, secret, address_key));
  ++stats_.successes;
  return AuthenticatedClient{username, identity->device_id, LoginMethod::kPassword};
}

Result<AuthenticatedClient> Authenticator::AuthenticateToken(const std::string& username,
                                                             std::string_view token,
                                                             const std::string& device_id) {
  const std::string address_key;  // token failures count per user only: they cost no PBKDF2
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
  ++stats_.successes;
  ++stats_.token_logins;
  return AuthenticatedClient{username, device_id, LoginMethod::kToken};
}

Status Authenticator::CheckPassword(const std::string& username, std::string_view password,
                                    const std::string& address_key) {
  const std::string user_key = UserKey(username);
  auto entry = directory_.Lookup(username);
  if (!entry || entry->state == store::UserState::kDeleted) {
    return Fail(Status::Unauthenticated("bad username or password"), user_key, address_key);
  }
  if (entry->state == store::UserState::kDisabled) {
    return Fail(Status::Unauthenticated("user is disabled"), user_key, address_key);
  }
  if (entry->password_hash.empty()) {
    return Fail(Status::Unauthenticated("user has no password; log in with a token"), user_key,
                address_key);
  }
  const int64_t now = clock_.MonotonicMs();
  const CredentialDigest digest = cache_.Digest(username, password);
  // A credential verified recently passes even while the user or address is throttled, so an
  // attacker's failed guesses cannot lock out a user whose password is already known good.
  switch (cache_.Check(username, digest, entry->password_hash, now)) {
    case CacheVerdict::kVerified:
      ++stats_.cache_hits;
      throttle_.Reset(user_key);
      return Status::Ok();
    case CacheVerdict::kRejected:
      ++stats_.cached_rejects;
      return Fail(Status::Unauthenticated("bad username or password"), user_key, address_key);
    case CacheVerdict::kUnknown:
      break;
  }
  if (throttle_.IsThrottled(user_key, now) || throttle_.IsThrottled(address_key, now)) {
    ++stats_.throttled;
    ++stats_.failures;
    return Status::Unauthenticated("too many failed logins; try again later");
  }
  ++stats_.pbkdf2_runs;
  auto verified = VerifyPassword(password, entry->password_hash);
  if (!verified.ok()) {
    return Fail(Status::Unauthenticated("stored password hash is unusable: " +
                                        verified.status().message()),
                user_key, address_key);
  }
  if (!*verified) {
    cache_.RecordRejected(username, digest, entry->password_hash, now);
    return Fail(Status::Unauthenticated("bad username or password"), user_key, address_key);
  }
  cache_.RecordVerified(username, digest, entry->password_hash, now);
  throttle_.Reset(user_key);
  return Status::Ok();
}

}  // namespace mqchat::auth
