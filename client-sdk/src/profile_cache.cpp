#include "profile_cache.h"

namespace mqchat::sdk {

bool ProfileCache::Put(const Profile& profile) {
  MutexLock lock(mu_);
  auto [it, added] = profiles_.try_emplace(profile.user, profile);
  if (added) return true;
  if (it->second == profile || it->second.updated_at_ms > profile.updated_at_ms) return false;
  it->second = profile;
  return true;
}

std::optional<Profile> ProfileCache::Get(const std::string& user) const {
  MutexLock lock(mu_);
  auto it = profiles_.find(user);
  if (it == profiles_.end()) return std::nullopt;
  return it->second;
}

void ProfileCache::Clear() {
  MutexLock lock(mu_);
  profiles_.clear();
}

}  // namespace mqchat::sdk
