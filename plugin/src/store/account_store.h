// AccountStore: users and their credentials, behind one interface for SQLite and PostgreSQL.
// An instance owns one database connection and is confined to the thread that uses it
// (mqchatctl's main thread, or the plugin's directory-refresh thread). Never the broker thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/broker_notices.h"

namespace mqchat::store {

enum class UserState { kActive = 0, kDisabled = 1, kDeleted = 2 };

struct UserRecord {
  int64_t user_id = 0;
  std::string username;
  // Self-describing password hash ("$pbkdf2-sha256$i=...$salt$hash"); empty for token-only users.
  std::string password_hash;
  UserState state = UserState::kActive;
  // Increases (store-wide) on every change to any user row; used for incremental refresh.
  int64_t rev = 0;
  int64_t created_at_ms = 0;
  // Logins made before this time are over (a password change, "log out everywhere"): brokers
  // refuse access tokens issued before it and end the sessions open at the change. 0: none.
  int64_t sessions_valid_after_ms = 0;
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Creates an active user. kAlreadyExists if the username exists in any state
  // (deleted usernames are not reused, so old messages never change author).
  virtual Result<UserRecord> AddUser(const std::string& username,
                                     const std::string& password_hash) = 0;
  // kNotFound if no such user (deleted users are found, with state kDeleted).
  virtual Result<UserRecord> GetUser(const std::string& username) = 0;
  // Also ends every login made before now (sessions_valid_after_ms). kNotFound if missing or
  // deleted.
  virtual Status SetPasswordHash(const std::string& username, const std::string& password_hash) = 0;
  // Ends every login made before now, keeping the password ("log out everywhere"). kNotFound if
  // missing or deleted.
  virtual Status EndSessions(const std::string& username) = 0;
  // Disable, re-enable or delete. Deleting clears the password hash. kNotFound if missing or
  // already deleted.
  virtual Status SetState(const std::string& username, UserState state) = 0;
  // All users that are not deleted, ordered by username.
  virtual Result<std::vector<UserRecord>> ListUsers() = 0;
  // Every user row (deleted ones included) with rev > `after_rev`, ascending by rev, at most
  // `limit`. Callers page with the last rev they saw.
  virtual Result<std::vector<UserRecord>> UsersChangedSince(int64_t after_rev, int limit) = 0;

  // Broker notices (store/broker_notices.h), read by the directory refresher: those with
  // id > after_id ascending (at most `limit`); the largest id (0: none); the device sign-outs
  // created at or after `since_ms`; and the pruning of those created before `before_ms`.
  virtual Result<std::vector<BrokerNotice>> NoticesSince(int64_t after_id, int limit) = 0;
  virtual Result<int64_t> LastNoticeId() = 0;
  virtual Result<std::vector<BrokerNotice>> SignOutsSince(int64_t since_ms) = 0;
  virtual Status PruneNotices(int64_t before_ms) = 0;
};

using AccountStorePtr = std::unique_ptr<AccountStore>;

}  // namespace mqchat::store
