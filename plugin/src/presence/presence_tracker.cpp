#include "presence/presence_tracker.h"

#include <algorithm>

namespace mqchat::presence {

PresenceTracker::PresenceTracker(PresenceOptions options) : options_(options) {}

void PresenceTracker::DeviceConnected(const std::string& user, int64_t now_ms) {
  MutexLock lock(mu_);
  UserPresence& u = users_[user];
  ++u.devices;
  u.last_seen_ms = now_ms;
  u.offline_not_before = 0;
  pending_.insert(user);
}

void PresenceTracker::DeviceDisconnected(const std::string& user, int64_t now_ms) {
  MutexLock lock(mu_);
  auto it = users_.find(user);
  if (it == users_.end() || it->second.devices == 0) return;
  UserPresence& u = it->second;
  --u.devices;
  u.last_seen_ms = now_ms;
  if (u.devices + u.remote_devices == 0) u.offline_not_before = now_ms;  // clean: at once
  pending_.insert(user);
}

void PresenceTracker::SetRemoteDevices(const std::string& user, int devices, int64_t now_ms) {
  MutexLock lock(mu_);
  auto it = users_.find(user);
  if (it == users_.end()) {
    if (devices == 0) return;
    it = users_.emplace(user, UserPresence{}).first;
  }
  UserPresence& u = it->second;
  if (u.remote_devices == devices) return;
  const bool was_online = u.devices + u.remote_devices > 0;
  u.remote_devices = devices;
  if (was_online && u.devices + u.remote_devices == 0) {
    u.last_seen_ms = now_ms;
    u.offline_not_before = now_ms;
  }
  pending_.insert(user);
}

int PresenceTracker::LocalDevices(const std::string& user) const {
  MutexLock lock(mu_);
  auto it = users_.find(user);
  return it == users_.end() ? 0 : it->second.devices;
}

void PresenceTracker::MarkUnclean(const std::string& user, int64_t now_ms) {
  MutexLock lock(mu_);
  auto it = users_.find(user);
  if (it == users_.end() || it->second.devices + it->second.remote_devices > 0) return;
  it->second.offline_not_before =
      std::max(it->second.offline_not_before, now_ms + options_.grace_ms);
  pending_.insert(user);
}

std::vector<PresenceState> PresenceTracker::Poll(int64_t now_ms) {
  std::vector<PresenceState> out;
  if (pending_.empty()) return out;
  MutexLock lock(mu_);
  for (auto it = pending_.begin(); it != pending_.end();) {
    const std::string& name = *it;
    auto uit = users_.find(name);
    if (uit == users_.end()) {
      it = pending_.erase(it);
      continue;
    }
    UserPresence& u = uit->second;
    const int total = u.devices + u.remote_devices;
    const bool want_online = total > 0;
    if (u.published && u.published_online == want_online &&
        (!want_online || u.published_devices == total)) {
      // Back to what watchers already see (a reconnect within grace): nothing to say. Offline
      // users with no devices are forgotten to keep memory bounded by online users.
      if (!want_online) users_.erase(uit);
      it = pending_.erase(it);
      continue;
    }
    const bool grace_done = want_online || now_ms >= u.offline_not_before;
    const bool interval_done = !u.published || now_ms - u.published_ms >= options_.min_interval_ms;
    if (!grace_done || !interval_done) {
      ++it;  // still pending: a later Poll publishes the latest state
      continue;
    }
    u.published = true;
    u.published_online = want_online;
    u.published_ms = now_ms;
    u.published_devices = total;
    out.push_back(PresenceState{name, want_online, want_online ? now_ms : u.last_seen_ms, total});
    if (!want_online) users_.erase(uit);
    it = pending_.erase(it);
  }
  return out;
}

std::vector<std::string> PresenceTracker::OnlineUsers() const {
  std::vector<std::string> out;
  MutexLock lock(mu_);
  for (const auto& [name, u] : users_) {
    // Remote users too: every broker keeps its own retained copy of their presence fresh.
    if (u.devices + u.remote_devices > 0) out.push_back(name);
  }
  return out;
}

bool PresenceTracker::InGrace(const std::string& user, int64_t now_ms) const {
  MutexLock lock(mu_);
  auto it = users_.find(user);
  return it != users_.end() && it->second.devices + it->second.remote_devices == 0 &&
         it->second.published_online && now_ms < it->second.offline_not_before;
}

bool PresenceTracker::IsOnline(const std::string& user) const {
  MutexLock lock(mu_);
  auto it = users_.find(user);
  return it != users_.end() && it->second.devices + it->second.remote_devices > 0;
}

PresenceState PresenceTracker::Current(const std::string& user) const {
  MutexLock lock(mu_);
  auto it = users_.find(user);
  if (it == users_.end()) return PresenceState{user, false, 0, 0};
  const int total = it->second.devices + it->second.remote_devices;
  return PresenceState{user, total > 0, it->second.last_seen_ms, total};
}

}  // namespace mqchat::presence
