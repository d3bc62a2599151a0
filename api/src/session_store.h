// SessionStore: the API service's refresh tokens (schema migration 007, table refresh_tokens),
// on the brokers' database, behind one interface for SQLite and PostgreSQL. Only token hashes
// are stored. An instance owns one connection and is confined to one thread at a time (it is
// leased with an AccountStore from the StorePool).
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
  // The stored spelling of the user whose username_key (protocol::UsernameKey, migration 006)
  // is `key`, in any state; kNotFound if none. Login uses it to accept any spelling of a name.
  virtual Result<std::string> UsernameForKey(const std::string& key) = 0;
};

using SessionStorePtr = std::unique_ptr<SessionStore>;

// Connects to `config`'s database, which must already be migrated (OpenAccountStore does it).
Result<SessionStorePtr> OpenSessionStore(const store::StoreConfig& config);

}  // namespace mqchat::api
