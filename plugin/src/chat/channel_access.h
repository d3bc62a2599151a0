// ChannelAccess: what the chat handlers ask of channel delivery (issue 18; implemented by
// community::ChannelDelivery): whether a conversation id is a text channel the user may view
// or send in, from the broker's cache; the store's word on the writer; and the one publish of
// a stored channel message. A channel's conversation has no `members` rows (migration 021), so
// these answers stand in for membership in send, history and sync.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/status.h"

namespace mqchat::chat {

class ChannelAccess {
 public:
  virtual ~ChannelAccess() = default;
  // Broker thread: `user`'s permission flags (community/permissions.h) in channel `id`, or
  // nullopt if `id` is not a text channel of a server the broker's cache holds for them, or
  // if what it holds is stale (a change is being loaded: nobody may view it meanwhile).
  virtual std::optional<uint64_t> Permissions(const std::string& user, int64_t id) const = 0;
  // Broker thread: true if `id` is a text channel of a server of `user`'s, fresh or stale.
  virtual bool IsChannel(const std::string& user, int64_t id) const = 0;
  // Broker thread: whether `user`'s access has been loaded since their device connected (until
  // then IsChannel cannot tell a channel from a conversation).
  virtual bool Loaded(const std::string& user) const = 0;
  // Broker thread: the channels `user` may view now, ascending.
  virtual std::vector<int64_t> Viewable(const std::string& user) const = 0;
  // Broker thread: the slow mode interval (ms) `user` is held to in channel `id`; 0 if none, if
  // unknown, or if they may manage messages or the channel there (exempt).
  virtual int64_t SlowModeMs(const std::string& user, int64_t id) const = 0;
  // Writer thread: `user`'s permission flags in channel `id` now, as the store resolves them
  // (0 also when `id` is no channel or the store failed).
  virtual uint64_t PermissionsOnWriter(const std::string& user, int64_t id) = 0;
  // Writer thread: set_slow_mode of channel `id` (manage_channels). kNotFound if `id` is no
  // channel (the caller tries a group); kUnauthenticated: not a member who may view it.
  virtual Status SetSlowModeOnWriter(const std::string& user, int64_t id, int64_t seconds) = 0;
  // Writer thread: whether `user` may view channel `id` now, as the store resolves it (false
  // also when `id` is no channel or the store failed). Who a channel mention is pushed to.
  virtual bool MayViewOnWriter(const std::string& user, int64_t id) = 0;
  // Broker thread: a stored message event of channel `id`, to its live readers on every
  // broker (one publish here, one over the bus).
  virtual void Publish(int64_t id, const std::string& payload) = 0;
  // Broker thread: an ephemeral event (typing) of channel `id`, the same way at QoS 0.
  virtual void PublishEphemeral(int64_t id, const std::string& payload) = 0;
};

}  // namespace mqchat::chat
