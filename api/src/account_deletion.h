// AccountDeletion: DELETE /v1/me {password}, a user deleting their own account. The caller's
// access token and password (re-confirmed: a token taken from a device is not enough) first;
// then, in this order so that a failure part-way can be retried: every refresh-token family
// revoked, every device and push target deleted (ProfileStore::ListDevices/DeleteDevice, as
// DELETE /v1/me/devices/{id} does), the profile emptied and the avatar blob deleted, and last
// the account marked deleted (AccountStore::SetState(kDeleted), as `mqchatctl user delete`):
// the password hash is cleared, the name is never reused, messages keep their author (shown as
// a deleted user), and every broker's user refresher ends the user's MQTT sessions. A user
// without a password (created by the admin API) cannot confirm: 403; their backend deletes them.
// Thread-safe (HTTP threads).
#pragma once

#include <cstdint>
#include <functional>

#include "bearer_auth.h"
#include "blob_store.h"
#include "http_types.h"
#include "password_pool.h"
#include "store_pool.h"

namespace mqchat::api {

class AccountDeletion {
 public:
  // `blobs` may be null (no blob_dir: no avatar to delete).
  AccountDeletion(StorePool* stores, const BearerAuth* auth, PasswordPool* passwords,
                  BlobStore* blobs, std::function<int64_t()> now_ms)
      : stores_(stores), auth_(auth), passwords_(passwords), blobs_(blobs),
        now_ms_(std::move(now_ms)) {}

  ApiResponse Handle(const ApiRequest& request);

 private:
  // Everything after the confirmation. `caller` as stored.
  ApiResponse Delete(const std::string& caller);

  StorePool* stores_;
  const BearerAuth* auth_;
  PasswordPool* passwords_;
  BlobStore* blobs_;
  std::function<int64_t()> now_ms_;
};

}  // namespace mqchat::api
