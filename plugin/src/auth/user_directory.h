// UserDirectory: the broker's in-memory view of the users table, so BASIC_AUTH never waits on
// the store. Filled at start and kept current by DirectoryRefresher. Thread-safe: lookups from
// the broker thread, updates from the refresher thread, each holding the lock for microseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/account_store.h"
#include "threads/mutex.h"

namespace mqchat::auth {

// One per known user, so kept small: the broker holds every user, connected or not.
struct DirectoryEntry {
  std::string password_hash;  // empty for token-only users
  store::UserState state = store::UserState::kActive;
  // Tokens issued before this second are refused (store::UserRecord::sessions_valid_after_ms).
  int64_t sessions_valid_after_ms = 0;
};

class UserDirectory {
 public:
  // Applies changed rows (any order). Returns the usernames whose sessions must end: active
  // before and now disabled or deleted, or still active with a changed password hash or a later
  // sessions cut-off (a password change, "log out everywhere": "credentials changed").
  std::vector<std::string> Apply(const std::vector<store::UserRecord>& changed);
  std::optional<DirectoryEntry> Lookup(const std::string& username) const;
  // A known user whose name equals `username` ignoring case but is spelled differently
  // (protocol::UsernameKey), in any state: the account a case variant would pose as.
  std::optional<std::string> OtherSpelling(const std::string& username) const;
  // A device signed out at `at_ms` (a broker notice, store/broker_notices.h): its tokens
  // issued before then are refused (DeviceValidAfter). Keeps the latest time per device.
  void SignOutDevice(const std::string& username, const std::string& device_id, int64_t at_ms);
  // When `device_id` of `username` was last signed out; 0 if never (as far as the notices kept
  // tell).
  int64_t DeviceValidAfter(const std::string& username, const std::string& device_id) const;
  // The highest rev applied so far; the refresher asks the store for rows after it.
  int64_t max_rev() const;
  size_t size() const;

 private:
  mutable Mutex mu_;
  std::unordered_map<std::string, DirectoryEntry> users_ GUARDED_BY(mu_);
  int64_t max_rev_ GUARDED_BY(mu_) = 0;
  // Names that are not their own UsernameKey (they have capitals), by key: most names are
  // lowercase and cost nothing here.
  std::unordered_map<std::string, std::vector<std::string>> capitalized_ GUARDED_BY(mu_);
  // "<user>/<device>" (the client id) -> sign-out time; few: only devices signed out lately.
  std::unordered_map<std::string, int64_t> signed_out_ GUARDED_BY(mu_);
};

}  // namespace mqchat::auth
