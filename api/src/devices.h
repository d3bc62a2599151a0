// The device endpoints, for a caller authenticated by its access token (bearer_auth.h):
// - GET /v1/me/devices: {"devices":[{"device_id","platform","created_at_ms","last_seen_ms",
//   "push":{"platform","updated_at_ms"}|null}]}, newest first: the devices the user logged in
//   from through the API (POST /v1/login with a device_id; last seen = its newest login or
//   refresh) and those holding a push target (registered over MQTT). Push tokens are not shown.
// - DELETE /v1/me/devices/{device_id}: signs the device out: revokes every refresh-token
//   family started from it, deletes its push target and its device row; answers {} (404 if the
//   user has no such device). The device row's deletion leaves a broker notice in its
//   transaction (store/broker_notices.h): within a broker's refresh interval every broker ends
//   the MQTT session of client id <user>/<device_id> and refuses that device's access tokens
//   issued before the sign-out; the user's other devices stay connected.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>

#include "bearer_auth.h"
#include "http_types.h"
#include "store_pool.h"

namespace mqchat::api {

class DeviceHandlers {
 public:
  DeviceHandlers(StorePool* stores, const BearerAuth* auth, std::function<int64_t()> now_ms)
      : stores_(stores), auth_(auth), now_ms_(std::move(now_ms)) {}

  ApiResponse List(const ApiRequest& request);
  ApiResponse SignOut(const ApiRequest& request);

 private:
  StorePool* stores_;
  const BearerAuth* auth_;
  std::function<int64_t()> now_ms_;
};

}  // namespace mqchat::api
