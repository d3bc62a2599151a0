#include "community/channel_access_cache.h"

namespace mqchat::community {

bool ChannelAccessCache::InvalidatedSince(Token token, int64_t server_id) const {
  if (token == epoch_) return false;
  // Older than everything remembered: cannot tell, so assume the worst.
  if (recent_.empty() || recent_.front().first > token + 1) return true;
  for (auto it = recent_.rbegin(); it != recent_.rend() && it->first > token; ++it) {
    if (it->second == server_id) return true;
  }
  return false;
}

bool ChannelAccessCache::Apply(const std::string& user, Token token,
                               const std::vector<store::ChannelAccess>& views) {
  UserAccess fresh;
  for (const auto& v : views) {
    fresh.servers.insert(v.server_id);
    if (v.channel_id <= 0) continue;  // the user is in the server; no text channel
    fresh.channels[v.channel_id] = Grant{v.server_id, v.permissions, v.slow_mode_s * 1000};
    if (Has(v.permissions, kViewChannel)) fresh.viewable.insert(v.channel_id);
  }
  // Only the servers of the load matter: one it lacks grants nothing (a server the user just
  // joined is loaded again by its own invalidation).
  for (int64_t server : fresh.servers) {
    if (InvalidatedSince(token, server)) return false;
  }
  auto it = users_.find(user);
  if (it != users_.end()) Unindex(user, it->second);
  for (int64_t server : fresh.servers) server_users_[server].insert(user);
  users_[user] = std::move(fresh);
  return true;
}

void ChannelAccessCache::Unindex(const std::string& user, const UserAccess& access) {
  for (int64_t server : access.servers) {
    auto s = server_users_.find(server);
    if (s == server_users_.end()) continue;
    s->second.erase(user);
    if (s->second.empty()) server_users_.erase(s);
  }
}

void ChannelAccessCache::Forget(const std::string& user) {
  auto it = users_.find(user);
  if (it == users_.end()) return;
  Unindex(user, it->second);
  users_.erase(it);
}

std::vector<std::string> ChannelAccessCache::Invalidate(int64_t server_id) {
  ++epoch_;
  recent_.emplace_back(epoch_, server_id);
  while (recent_.size() > kRecentInvalidations) recent_.pop_front();
  std::vector<std::string> affected;
  auto s = server_users_.find(server_id);
  if (s == server_users_.end()) return affected;
  for (const std::string& user : s->second) {
    UserAccess& access = users_[user];
    for (auto& [channel, grant] : access.channels) {
      if (grant.server_id != server_id) continue;
      grant.stale = true;
      access.viewable.erase(channel);
    }
    affected.push_back(user);
  }
  return affected;
}

std::optional<PermissionSet> ChannelAccessCache::Permissions(const std::string& user,
                                                             int64_t channel_id) const {
  auto it = users_.find(user);
  if (it == users_.end()) return std::nullopt;
  auto c = it->second.channels.find(channel_id);
  if (c == it->second.channels.end() || c->second.stale) return std::nullopt;
  return c->second.permissions;
}

int64_t ChannelAccessCache::SlowModeMs(const std::string& user, int64_t channel_id) const {
  auto it = users_.find(user);
  if (it == users_.end()) return 0;
  auto c = it->second.channels.find(channel_id);
  if (c == it->second.channels.end()) return 0;
  // Stale too: the interval last loaded holds until the new one is (a change is no gap).
  const Grant& g = c->second;
  if ((g.permissions & (kManageMessages | kManageChannels)) != 0) return 0;  // Discord's exemption
  return g.slow_mode_ms;
}

bool ChannelAccessCache::IsChannel(const std::string& user, int64_t channel_id) const {
  auto it = users_.find(user);
  return it != users_.end() && it->second.channels.count(channel_id) != 0;
}

const ChannelAccessCache::ChannelSet* ChannelAccessCache::Viewable(const std::string& user) const {
  auto it = users_.find(user);
  if (it == users_.end() || it->second.viewable.empty()) return nullptr;
  return &it->second.viewable;
}

}  // namespace mqchat::community
