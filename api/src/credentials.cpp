#include "credentials.h"

#include <variant>

#include "auth/network_prefix.h"
#include "request_body.h"
#include "signup.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace field = protocol::http::field;

ApiResponse BadRefreshToken() {
  return ErrorResponse(ApiErrorCode::kUnauthenticated, "the refresh token is not valid");
}

// The live refresh record `token` names, or the error response (401 for any invalid token).
std::variant<RefreshRecord, ApiResponse> FindLogin(StorePool* stores, RefreshTokens& refresh,
                                                   const std::string& token, int64_t now_ms) {
  auto store = stores->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "credentials store");
  auto record = refresh.FindLive(store->sessions(), token, now_ms);
  if (record.ok()) return *record;
  if (record.status().code() == Code::kUnauthenticated) return BadRefreshToken();
  if (record.status().code() == Code::kUnavailable) store->Discard();
  return FailureResponse(record.status(), "credentials find token");
}

}  // namespace

ApiResponse CredentialHandlers::ChangePassword(const ApiRequest& request) {
  auto parsed =
      ParseJsonBody(request, {field::kRefreshToken, field::kOldPassword, field::kNewPassword});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  std::string token, old_password, new_password;
  if (auto error = ReadRequiredStrings(std::get<nlohmann::json>(parsed),
                                       {{field::kRefreshToken, &token},
                                        {field::kOldPassword, &old_password},
                                        {field::kNewPassword, &new_password}})) {
    return *error;
  }
  auto login = FindLogin(stores_, refresh_, token, now_ms_());
  if (auto* error = std::get_if<ApiResponse>(&login)) return *error;
  const RefreshRecord& record = std::get<RefreshRecord>(login);
  std::string stored_hash;
  {
    auto store = stores_->Acquire();
    if (!store.ok()) return FailureResponse(store.status(), "password store");
    auto user = (*store)->GetUser(record.username);
    if (!user.ok() || user->state != store::UserState::kActive) return BadRefreshToken();
    stored_hash = user->password_hash;
  }  // the store goes back before the slow part
  if (old_password.size() > kMaxPasswordBytes) {
    return ErrorResponse(ApiErrorCode::kUnauthenticated, "the old password is wrong");
  }
  const std::string network = auth::NetworkPrefix(request.remote_addr);
  PoolRefusal refused;
  auto match = passwords_->Verify(old_password, stored_hash, network, &refused);
  if (!match.ok() && match.status().code() == Code::kResourceExhausted) {
    return PoolRefusalResponse(refused);
  }
  if (!match.ok()) return FailureResponse(match.status(), "password verify");
  if (!*match) return ErrorResponse(ApiErrorCode::kUnauthenticated, "the old password is wrong");
  if (auto why = CheckPasswordPolicy(record.username, new_password)) {
    return ErrorResponse(ApiErrorCode::kInvalid, *why);
  }
  auto hash = passwords_->Hash(new_password, network, &refused);
  if (!hash.ok() && hash.status().code() == Code::kResourceExhausted) {
    return PoolRefusalResponse(refused);
  }
  if (!hash.ok()) return FailureResponse(hash.status(), "password hash");
  return StorePassword(record.username, record.family_id, *hash);
}

ApiResponse CredentialHandlers::StorePassword(const std::string& username,
                                              const std::string& keep_family_id,
                                              const std::string& hash) {
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "password store");
  // Revoke first: should the hash not be stored, the other logins are gone but the old password
  // still works (safe); the other way round would leave them alive beside a new password.
  Status revoked = store->sessions().RevokeUserFamilies(username, keep_family_id);
  if (revoked.ok()) revoked = (*store)->SetPasswordHash(username, hash);
  if (!revoked.ok()) {
    if (revoked.code() == Code::kUnavailable) store->Discard();
    return FailureResponse(revoked, "password store hash");
  }
  return JsonResponse(200, nlohmann::json::object());
}

ApiResponse CredentialHandlers::LogoutAll(const ApiRequest& request) {
  auto parsed = ParseJsonBody(request, {field::kRefreshToken});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  std::string token;
  if (auto error = ReadRequiredStrings(std::get<nlohmann::json>(parsed),
                                       {{field::kRefreshToken, &token}})) {
    return *error;
  }
  auto login = FindLogin(stores_, refresh_, token, now_ms_());
  if (auto* error = std::get_if<ApiResponse>(&login)) return *error;
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "logout_all store");
  const std::string& username = std::get<RefreshRecord>(login).username;
  // The refresh tokens first, then the cut-off that ends access tokens and MQTT sessions.
  Status revoked = store->sessions().RevokeUserFamilies(username, "");
  if (revoked.ok()) revoked = (*store)->EndSessions(username);
  if (!revoked.ok()) {
    if (revoked.code() == Code::kUnavailable) store->Discard();
    return FailureResponse(revoked, "logout_all revoke");
  }
  return JsonResponse(200, nlohmann::json::object());
}

}  // namespace mqchat::api
