#include "account_deletion.h"

#include <variant>

#include "auth/network_prefix.h"
#include "profiles.h"
#include "protocol/password_policy.h"
#include "request_body.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace field = protocol::http::field;

ApiResponse WrongPassword() {
  return ErrorResponse(ApiErrorCode::kUnauthenticated, "the password is wrong");
}

}  // namespace

ApiResponse AccountDeletion::Handle(const ApiRequest& request) {
  auto parsed = ParseJsonBody(request, {field::kPassword});
  if (auto* error = std::get_if<ApiResponse>(&parsed)) return *error;
  std::string password;
  if (auto error = ReadRequiredStrings(std::get<nlohmann::json>(parsed),
                                       {{field::kPassword, &password}})) {
    return *error;
  }
  std::string caller, stored_hash;
  ApiResponse who = ProfileHandlers::WithCaller(
      stores_, auth_, now_ms_(), request, [&](StoreLease& store, const std::string& name) {
        auto user = store->GetUser(name);
        if (!user.ok()) return StoreFailure(store, user.status(), "delete account get user");
        caller = name;
        stored_hash = user->password_hash;
        return JsonResponse(200, nlohmann::json::object());
      });  // the store goes back before the slow part
  if (caller.empty()) return who;
  if (stored_hash.empty()) {
    return ErrorResponse(ApiErrorCode::kForbidden,
                         "this account has no password; the app that created it deletes it");
  }
  if (password.size() > protocol::kMaxPasswordBytes) return WrongPassword();
  PoolRefusal refused;
  auto match = passwords_->Verify(password, stored_hash,
                                  auth::NetworkPrefix(request.remote_addr), &refused);
  if (!match.ok() && match.status().code() == Code::kResourceExhausted) {
    return PoolRefusalResponse(refused);
  }
  if (!match.ok()) return FailureResponse(match.status(), "delete account verify");
  if (!*match) return WrongPassword();
  return Delete(caller);
}

ApiResponse AccountDeletion::Delete(const std::string& caller) {
  auto store = stores_->Acquire();
  if (!store.ok()) return FailureResponse(store.status(), "delete account store");
  // The refresh tokens first: should the rest fail, nothing can log in with them meanwhile.
  Status revoked = store->sessions().RevokeUserFamilies(caller, "");
  if (!revoked.ok()) return StoreFailure(*store, revoked, "delete account revoke");
  auto devices = store->profiles().ListDevices(caller);
  if (!devices.ok()) return StoreFailure(*store, devices.status(), "delete account devices");
  for (const DeviceRecord& device : *devices) {
    auto deleted = store->profiles().DeleteDevice(caller, device.device_id, now_ms_());
    if (!deleted.ok()) return StoreFailure(*store, deleted.status(), "delete account device");
  }
  auto profile = store->profiles().Get(caller);
  if (!profile.ok()) return StoreFailure(*store, profile.status(), "delete account profile");
  Profile empty;
  empty.username = caller;
  empty.updated_at_ms = now_ms_();
  Status saved = store->profiles().Save(empty);
  if (!saved.ok()) return StoreFailure(*store, saved, "delete account profile save");
  if (!profile->avatar_id.empty() && blobs_ != nullptr) {
    if (Status gone = blobs_->Delete(profile->avatar_id); !gone.ok()) {
      (void)FailureResponse(gone, "delete account avatar");  // logged only: an orphan blob
    }
  }
  Status deleted = (*store)->SetState(caller, store::UserState::kDeleted);
  if (!deleted.ok()) return StoreFailure(*store, deleted, "delete account state");
  return JsonResponse(200, nlohmann::json::object());
}

}  // namespace mqchat::api
