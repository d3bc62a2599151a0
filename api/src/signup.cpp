#include "signup.h"

#include <variant>

#include "protocol/identity.h"
#include "invites.h"
#include "protocol/text.h"
#include "profiles.h"
#include "request_body.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace field = protocol::http::field;
}  // namespace

ApiResponse SignupHandler::Handle(const ApiRequest& request) {
  if (mode_ == SignupMode::kClosed) {
    return ErrorResponse(ApiErrorCode::kForbidden, "sign-up is closed on this server");
  }
  const auth::LoginKeys keys = LoginLimits::Keys("", request.remote_addr);
  if (int wait_s = limits_->RetryAfterS(keys, now_ms_())) {
    return RetryLaterResponse(ApiErrorCode::kRateLimited,
                              "too many sign-ups from this network; try again later", wait_s);
  }
  auto parsed = ParseJsonBody(
      request, {field::kUsername, field::kPassword, field::kInviteCode, field::kDisplayName});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  const auto& body = std::get<nlohmann::json>(parsed);
  std::string username, password, invite_code;
  if (auto error = ReadRequiredStrings(
          body, {{field::kUsername, &username}, {field::kPassword, &password}})) {
    return *error;
  }
  if (mode_ == SignupMode::kInvite) {
    if (auto error = ReadRequiredStrings(body, {{field::kInviteCode, &invite_code}})) {
      return *error;
    }
  } else if (body.contains(field::kInviteCode)) {
    return ErrorResponse(ApiErrorCode::kBadRequest, "this server takes no invite_code");
  }
  std::string display_name;
  if (body.contains(field::kDisplayName)) {
    if (auto error = ReadRequiredStrings(body, {{field::kDisplayName, &display_name}})) {
      return *error;
    }
    if (auto why = CheckProfileText(field::kDisplayName, display_name, kMaxDisplayNameChars)) {
      return ErrorResponse(ApiErrorCode::kInvalid, *why);
    }
  }
  if (Status valid = protocol::ValidateAccountName(username); !valid.ok()) {
    return ErrorResponse(ApiErrorCode::kInvalid, valid.message());
  }
  if (auto why = CheckPasswordPolicy(username, password)) {
    return ErrorResponse(ApiErrorCode::kInvalid, *why);
  }
  limits_->RecordFailure(keys, now_ms_());  // every checked attempt counts, created or not
  PoolRefusal refused;
  auto hash = passwords_->Hash(password, keys.prefix, &refused);
  if (!hash.ok() && hash.status().code() == Code::kResourceExhausted) {
    return PoolRefusalResponse(refused);
  }
  if (!hash.ok()) return FailureResponse(hash.status(), "signup hash");
  return AddUser(username, *hash, invite_code, display_name);
}

ApiResponse SignupHandler::AddUser(const std::string& username, const std::string& hash,
                                   const std::string& invite_code,
                                   const std::string& display_name) {
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "signup store");
  const std::string invite_hash = invite_code.empty() ? "" : HashInviteCode(invite_code);
  if (mode_ == SignupMode::kInvite) {
    auto consumed = store->sessions().ConsumeInvite(invite_hash, now_ms_());
    if (!consumed.ok()) {
      if (consumed.status().code() == Code::kUnavailable) store->Discard();
      return FailureResponse(consumed.status(), "signup consume invite");
    }
    if (!*consumed) {
      return ErrorResponse(ApiErrorCode::kForbidden,
                           "the invite code is not valid (unknown, expired or used up)");
    }
  }
  auto added = (*store)->AddUser(username, hash);
  if (!added.ok() && mode_ == SignupMode::kInvite) {
    // The account was not created: the use goes back (best effort if the store is down).
    (void)store->sessions().ReleaseInvite(invite_hash);
  }
  if (!added.ok()) {
    if (added.status().code() == Code::kAlreadyExists) {
      return ErrorResponse(ApiErrorCode::kAlreadyExists, "that username is taken");
    }
    if (added.status().code() == Code::kUnavailable) store->Discard();
    return FailureResponse(added.status(), "signup add user");
  }
  if (!display_name.empty()) {
    // The account exists whatever happens here: a lost display name is set again by PATCH.
    Profile profile;
    profile.username = added->username;
    profile.display_name = display_name;
    profile.updated_at_ms = now_ms_();
    Status saved = store->profiles().Save(profile);
    if (!saved.ok()) (void)FailureResponse(saved, "signup save display name");  // logged only
  }
  return JsonResponse(201, {{std::string(field::kUsername), added->username}});
}

}  // namespace mqchat::api
