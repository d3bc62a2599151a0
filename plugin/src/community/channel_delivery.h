// ChannelDelivery: live delivery of text channels and the permissions behind it (issue 18;
// docs/ARCHITECTURE.md "Channel delivery"). A stored channel message is published once, to
// mqchat/v1/ch/<id>, which the devices of members who may view the channel subscribe to; the
// broker's subscription tree hands it to those connected, asking the READ ACL for each, and
// offline members cost nothing (they sync by seq). The ACL, the send path and history/sync
// decide from a ChannelAccessCache of the users connected here, loaded from the store on the
// writer (the community store's connection) when a user's device connects, and emptied for a
// server at once when a committed change to it is announced: by this broker's writer before
// the change's answer, by other brokers over the ClusterBus. Each user it held for that server
// is then loaded again. Broker thread, except where a method says otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "broker/broker_api.h"
#include "chat/channel_access.h"
#include "chat/store_worker.h"
#include "community/channel_access_cache.h"
#include "mqchat/status.h"
#include "store/community_store.h"
#include "util/broker_task_queue.h"

namespace mqchat::community {

struct ChannelDeliveryDeps {
  BrokerApi& broker;
  BrokerTaskQueue& tasks;
  // Queues work on the writer, whose thread uses `store` (never refused for a full queue).
  std::function<Status(chat::StoreTask)> submit_writer;
  store::CommunityStore* store = nullptr;
  // Whether `user` has a device connected here.
  std::function<bool(const std::string& user)> connected;
};

// What other brokers must hear of (the ClusterBus; empty with a single broker).
struct ChannelBusHooks {
  // A committed change to `server_id` (and, if not empty, one that concerns `user` even if
  // they held nothing of it: a join, a server made).
  std::function<void(int64_t server_id, const std::string& user)> share_change;
  // An event of channel `channel_id`: stored (QoS 1) or ephemeral (typing, QoS 0).
  std::function<void(int64_t channel_id, const std::string& payload, int qos)> share_message;
};

class ChannelDelivery final : public chat::ChannelAccess {
 public:
  explicit ChannelDelivery(ChannelDeliveryDeps deps) : deps_(std::move(deps)) {}
  // Set once, before any client connects.
  void SetBusHooks(ChannelBusHooks hooks) { bus_ = std::move(hooks); }

  // A device of `user` connected / `user` has none here any more.
  void UserConnected(const std::string& user);
  void UserGone(const std::string& user) { cache_.Forget(user); }
  // For the ACL: the channels `user` may view now (null: none).
  const ChannelAccessCache::ChannelSet* ViewableSet(const std::string& user) const {
    return cache_.Viewable(user);
  }

  // Writer thread, after a committed change to `server_id` and before its answer is posted:
  // announces it here (posted to the broker thread) and, if `actor` is not empty, loads the
  // actor's access at once, so the answer finds it applied. `user`: see ChannelBusHooks.
  void ChangedOnWriter(int64_t server_id, const std::string& user, const std::string& actor);
  // A change announced by another broker.
  void ChangedElsewhere(int64_t server_id, const std::string& user) {
    Invalidate(server_id, user, /*share=*/false);
  }
  // An event of channel `channel_id` from another broker (a stored message event at QoS 1, a
  // typing event at QoS 0): to the readers here.
  void PublishLocal(int64_t channel_id, const std::string& payload, int qos = 1);

  // chat::ChannelAccess.
  std::optional<uint64_t> Permissions(const std::string& user, int64_t id) const override {
    return cache_.Permissions(user, id);
  }
  bool IsChannel(const std::string& user, int64_t id) const override {
    return cache_.IsChannel(user, id);
  }
  bool Loaded(const std::string& user) const override { return cache_.Loaded(user); }
  std::vector<int64_t> Viewable(const std::string& user) const override;
  int64_t SlowModeMs(const std::string& user, int64_t id) const override {
    return cache_.SlowModeMs(user, id);
  }
  uint64_t PermissionsOnWriter(const std::string& user, int64_t id) override;
  Status SetSlowModeOnWriter(const std::string& user, int64_t id, int64_t seconds) override;
  bool MayViewOnWriter(const std::string& user, int64_t id) override;
  void Publish(int64_t id, const std::string& payload) override;
  void PublishEphemeral(int64_t id, const std::string& payload) override;

  const ChannelAccessCache& cache() const { return cache_; }

 private:
  void Load(const std::string& user);
  void Invalidate(int64_t server_id, const std::string& user, bool share);

  ChannelDeliveryDeps deps_;
  ChannelBusHooks bus_;
  ChannelAccessCache cache_;  // broker thread
};

}  // namespace mqchat::community
