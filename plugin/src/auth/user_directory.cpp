#include "auth/user_directory.h"

#include "protocol/identity.h"

namespace mqchat::auth {

std::vector<std::string> UserDirectory::Apply(const std::vector<store::UserRecord>& changed) {
  std::vector<std::string> revoked;
  MutexLock lock(mu_);
  for (const auto& rec : changed) {
    auto it = users_.find(rec.username);
    const bool was_active = it != users_.end() && it->second.state == store::UserState::kActive;
    const bool credentials_changed =
        was_active && (it->second.password_hash != rec.password_hash ||
                       it->second.sessions_valid_after_ms < rec.sessions_valid_after_ms);
    if (was_active && (rec.state != store::UserState::kActive || credentials_changed)) {
      revoked.push_back(rec.username);
    }
    DirectoryEntry entry{rec.password_hash, rec.state, rec.sessions_valid_after_ms};
    if (it == users_.end()) {
      std::string key = protocol::UsernameKey(rec.username);
      if (key != rec.username) capitalized_[std::move(key)].push_back(rec.username);
      users_.emplace(rec.username, std::move(entry));
    } else {
      it->second = std::move(entry);
    }
    if (rec.rev > max_rev_) max_rev_ = rec.rev;
  }
  return revoked;
}

std::optional<DirectoryEntry> UserDirectory::Lookup(const std::string& username) const {
  MutexLock lock(mu_);
  auto it = users_.find(username);
  if (it == users_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> UserDirectory::OtherSpelling(const std::string& username) const {
  const std::string key = protocol::UsernameKey(username);
  MutexLock lock(mu_);
  if (key != username && users_.count(key) != 0) return key;
  auto it = capitalized_.find(key);
  if (it != capitalized_.end()) {
    for (const std::string& name : it->second) {
      if (name != username) return name;
    }
  }
  return std::nullopt;
}

int64_t UserDirectory::max_rev() const {
  MutexLock lock(mu_);
  return max_rev_;
}

size_t UserDirectory::size() const {
  MutexLock lock(mu_);
  return users_.size();
}

void UserDirectory::SignOutDevice(const std::string& username, const std::string& device_id,
                                  int64_t at_ms) {
  MutexLock lock(mu_);
  int64_t& at = signed_out_[username + "/" + device_id];
  if (at_ms > at) at = at_ms;
}

int64_t UserDirectory::DeviceValidAfter(const std::string& username,
                                        const std::string& device_id) const {
  MutexLock lock(mu_);
  auto it = signed_out_.find(username + "/" + device_id);
  return it == signed_out_.end() ? 0 : it->second;
}

}  // namespace mqchat::auth
