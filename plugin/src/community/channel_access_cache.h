// ChannelAccessCache: what each user connected to this broker may do in every text channel of
// their servers, so the channel ACL (SUBSCRIBE and READ of mqchat/v1/ch/<id>), the send path
// and history/sync decide from memory (docs/ARCHITECTURE.md "Channel delivery"). Filled from
// the store (CommunityStore::ChannelViews) off the broker thread. When a change to a server is
// announced (here or over the ClusterBus) its entries turn stale at once, until they are loaded
// again: a stale channel is viewable by nobody (the ACL, history and sync refuse), so a member
// who lost view_channel is refused from that moment; sends into it go on to the writer, which
// asks the store. A load that began before an invalidation of one of its servers is refused
// (Apply returns false) and must be made again.
// Broker thread only.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "community/permissions.h"
#include "store/community_store.h"

namespace mqchat::community {

class ChannelAccessCache {
 public:
  using Token = uint64_t;
  using ChannelSet = std::unordered_set<int64_t>;

  // Taken when a load of a user's access starts; Apply checks it.
  Token BeginLoad() const { return epoch_; }
  // Replaces what `user` holds with `views` (store::CommunityStore::ChannelViews, read after
  // BeginLoad returned `token`). False, and nothing changed, if a server of `views` was
  // invalidated since `token` (or too long ago to tell): load again.
  bool Apply(const std::string& user, Token token, const std::vector<store::ChannelAccess>& views);
  // `user` has no device here any more.
  void Forget(const std::string& user);
  // A change to `server_id` committed: what every user here held of it turns stale until they
  // are loaded again. Returns those users.
  std::vector<std::string> Invalidate(int64_t server_id);

  bool Loaded(const std::string& user) const { return users_.count(user) != 0; }
  // `user`'s permissions in `channel_id`, or nullopt if it is not a text channel of a server
  // the cache holds for them (not loaded, not a channel, another server) or it is stale.
  std::optional<PermissionSet> Permissions(const std::string& user, int64_t channel_id) const;
  // The slow mode interval (ms) `user` is held to in `channel_id`: 0 if none, if unknown, or if
  // they hold manage_messages or manage_channels there (exempt, as in Discord). A stale entry
  // answers what it last held.
  int64_t SlowModeMs(const std::string& user, int64_t channel_id) const;
  // True if `channel_id` is a text channel of a server of `user`'s, fresh or stale.
  bool IsChannel(const std::string& user, int64_t channel_id) const;
  // The channels `user` may view now; null if none (or not loaded). Valid until the next
  // change of this cache.
  const ChannelSet* Viewable(const std::string& user) const;

  // How many invalidations are remembered for Apply's check.
  static constexpr size_t kRecentInvalidations = 4096;

 private:
  struct Grant {
    int64_t server_id = 0;
    PermissionSet permissions = 0;
    int64_t slow_mode_ms = 0;  // the channel's slow mode (migration 026)
    bool stale = false;
  };
  struct UserAccess {
    std::unordered_map<int64_t, Grant> channels;
    ChannelSet viewable;
    std::set<int64_t> servers;
  };
  // True if `server_id` was invalidated after `token`, or `token` is too old to tell.
  bool InvalidatedSince(Token token, int64_t server_id) const;
  void Unindex(const std::string& user, const UserAccess& access);

  std::unordered_map<std::string, UserAccess> users_;
  std::unordered_map<int64_t, std::unordered_set<std::string>> server_users_;
  Token epoch_ = 0;
  std::deque<std::pair<Token, int64_t>> recent_;  // (epoch after it, server) per invalidation
};

}  // namespace mqchat::community
