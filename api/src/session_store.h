// SessionStore: the API service's own tables on the brokers' database: refresh tokens
// (migration 007, refresh_tokens; the device of each family since 017) and invite codes (migration 008, invites), behind one
// interface for SQLite and PostgreSQL. Only token and code hashes are stored. An instance owns
// one connection and is confined to one thread at a time (it is leased with an AccountStore
// from the StorePool).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::api {

enum class RefreshState { kLive = 0, kUsed = 1, kRevoked = 2 };

struct RefreshRecord {
  std::string token_hash;  // hex SHA-256 of the token
  std::string family_id;
  std::string username;
  int64_t created_at_ms = 0;
  int64_t expires_at_ms = 0;
  RefreshState state = RefreshState::kLive;
  std::string device_id{};  // the device the family's login named (migration 017); "" none
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  virtual Status Insert(const RefreshRecord& record) = 0;
  // kNotFound if no token has this hash.
  virtual Result<RefreshRecord> Get(const std::string& token_hash) = 0;
  // Marks a live token used; false if it was not live any more (another request won the race).
  virtual Result<bool> MarkUsed(const std::string& token_hash) = 0;
  // Revokes every token of the family.
  virtual Status RevokeFamily(const std::string& family_id) = 0;
  // Revokes every token of every family of `username` except `keep_family_id` ("": none):
  // a password change keeps the caller's login, logout everywhere keeps nothing.
  virtual Status RevokeUserFamilies(const std::string& username,
                                    const std::string& keep_family_id) = 0;
  // Revokes every token of every family `username` started from `device_id` (a device signed
  // out, GET/DELETE /v1/me/devices).
  virtual Status RevokeDeviceFamilies(const std::string& username,
                                      const std::string& device_id) = 0;
  // The stored spelling of the user whose username_key (protocol::UsernameKey, migration 006)
  // is `key`, in any state; kNotFound if none. Login uses it to accept any spelling of a name.
  virtual Result<std::string> UsernameForKey(const std::string& key) = 0;

  // Invites (keyed by the hex SHA-256 of the code). InsertInvite adds one with no uses yet.
  virtual Status InsertInvite(const std::string& code_hash, int64_t created_at_ms,
                              int64_t expires_at_ms, int64_t max_uses) = 0;
  // Takes one use in one conditional statement: false if the code is unknown, expired at
  // `now_ms` or used up (nothing changes then).
  virtual Result<bool> ConsumeInvite(const std::string& code_hash, int64_t now_ms) = 0;
  // Gives back a use ConsumeInvite took (the sign-up it was for failed).
  virtual Status ReleaseInvite(const std::string& code_hash) = 0;
};

using SessionStorePtr = std::unique_ptr<SessionStore>;

// Connects to `config`'s database, which must already be migrated (OpenAccountStore does it).
Result<SessionStorePtr> OpenSessionStore(const store::StoreConfig& config);

}  // namespace mqchat::api
