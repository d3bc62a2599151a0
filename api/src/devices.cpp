#include "devices.h"

#include "profiles.h"
#include "protocol/identity.h"

namespace mqchat::api {
namespace {
using protocol::http::ApiErrorCode;
namespace field = protocol::http::field;

nlohmann::json DeviceJson(const DeviceRecord& d) {
  nlohmann::json push = nullptr;
  if (!d.push_platform.empty()) {
    push = {{std::string(field::kPlatform), d.push_platform},
            {std::string(field::kUpdatedAtMs), d.push_updated_at_ms}};
  }
  return {{std::string(field::kDeviceId), d.device_id},
          {std::string(field::kPlatform), d.platform},
          {std::string(field::kCreatedAtMs), d.created_at_ms},
          {std::string(field::kLastSeenMs), d.last_seen_ms},
          {std::string(field::kPush), std::move(push)}};
}

}  // namespace

ApiResponse DeviceHandlers::List(const ApiRequest& request) {
  return ProfileHandlers::WithCaller(
      stores_, auth_, now_ms_(), request, [](StoreLease& store, const std::string& caller) {
        auto devices = store.profiles().ListDevices(caller);
        if (!devices.ok()) return StoreFailure(store, devices.status(), "devices list");
        nlohmann::json out = nlohmann::json::array();
        for (const DeviceRecord& d : *devices) out.push_back(DeviceJson(d));
        return JsonResponse(200, {{std::string(field::kDevices), std::move(out)}});
      });
}

ApiResponse DeviceHandlers::SignOut(const ApiRequest& request) {
  return ProfileHandlers::WithCaller(
      stores_, auth_, now_ms_(), request, [&](StoreLease& store, const std::string& caller) {
        const std::string& device_id = request.path_params.at(0);
        if (!protocol::ValidateDeviceId(device_id).ok()) {
          return ErrorResponse(ApiErrorCode::kNotFound, "no such device");
        }
        // The refresh tokens first: should the rest fail, the device cannot come back anyway.
        Status revoked = store.sessions().RevokeDeviceFamilies(caller, device_id);
        if (!revoked.ok()) return StoreFailure(store, revoked, "devices revoke");
        auto deleted = store.profiles().DeleteDevice(caller, device_id, now_ms_());
        if (!deleted.ok()) return StoreFailure(store, deleted.status(), "devices delete");
        if (!*deleted) return ErrorResponse(ApiErrorCode::kNotFound, "no such device");
        return JsonResponse(200, nlohmann::json::object());
      });
}

}  // namespace mqchat::api
