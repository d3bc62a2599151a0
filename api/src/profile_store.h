// ProfileStore: the API service's per-user tables beyond the account, on the brokers' database
// (migration 017): profiles (display name, status, avatar, discoverable) and the devices a user
// logged in from, listed with their push targets (migration 003, push_targets). Behind one
// interface for SQLite and PostgreSQL. An instance owns one connection and is confined to one
// thread at a time (leased with the other stores from the StorePool).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::api {

struct Profile {
  std::string username;
  std::string display_name;  // "" none
  std::string status_text;   // "" none
  std::string avatar_id;     // a BlobStore id; "" none
  std::string avatar_type;   // the sniffed image type of the avatar ("" none)
  bool discoverable = false;  // found by GET /v1/users
  int64_t updated_at_ms = 0;
};

struct DeviceRecord {
  std::string device_id;
  std::string platform;       // as the client named it at login ("" unknown)
  int64_t created_at_ms = 0;  // first login (or push registration) of the device
  int64_t last_seen_ms = 0;   // newest login or refresh (or push registration)
  std::string push_platform;  // fcm, apns, webpush, webhook; "" if no push target
  int64_t push_updated_at_ms = 0;
};

class ProfileStore {
 public:
  virtual ~ProfileStore() = default;

  // The profile of `username`; the defaults (only `username` set) if it has no row. Does not
  // check that the user exists.
  virtual Result<Profile> Get(const std::string& username) = 0;
  // Inserts or replaces the whole row of profile.username.
  virtual Status Save(const Profile& profile) = 0;
  // Save for a change other users may see (display name, status, avatar): the same
  // transaction leaves a broker notice (store/broker_notices.h, kProfile at
  // profile.updated_at_ms), so every broker sends the new profile to the user's devices and to
  // those of the users sharing a conversation with them.
  virtual Status SaveAndAnnounce(const Profile& profile) = 0;
  // Whether `a` and `b` are both members of at least one conversation.
  virtual Result<bool> ShareConversation(const std::string& a, const std::string& b) = 0;
  // Active, discoverable users whose username_key (protocol::UsernameKey) equals `key`
  // (`exact`) or starts with it, in username_key order, at most `limit`.
  virtual Result<std::vector<Profile>> FindDiscoverable(const std::string& key, bool exact,
                                                        int limit) = 0;

  // Records a login or refresh from `device_id` at `now_ms`; a non-empty `platform` replaces
  // the one stored.
  virtual Status TouchDevice(const std::string& username, const std::string& device_id,
                             const std::string& platform, int64_t now_ms) = 0;
  // The user's devices (logged in through the API, or holding a push target), newest first.
  virtual Result<std::vector<DeviceRecord>> ListDevices(const std::string& username) = 0;
  // Deletes the device's row and its push target, in one transaction; false if it had neither.
  // When it had one, the same transaction leaves a broker notice (store/broker_notices.h,
  // kDeviceSignedOut at `now_ms`): every broker ends the device's MQTT session and refuses its
  // access tokens issued before `now_ms`.
  virtual Result<bool> DeleteDevice(const std::string& username, const std::string& device_id,
                                    int64_t now_ms) = 0;
};

using ProfileStorePtr = std::unique_ptr<ProfileStore>;

// Connects to `config`'s database, which must already be migrated (OpenAccountStore does it).
Result<ProfileStorePtr> OpenProfileStore(const store::StoreConfig& config);

}  // namespace mqchat::api
