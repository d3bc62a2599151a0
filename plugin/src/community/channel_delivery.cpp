#include "community/channel_delivery.h"

#include <algorithm>

#include "protocol/topics.h"

namespace mqchat::community {

void ChannelDelivery::UserConnected(const std::string& user) {
  if (deps_.store == nullptr) return;
  // Every device loads again: the store is the truth, and a notice lost on the bus (Redis
  // down) is repaired by the next connection, as for contacts.
  Load(user);
}

void ChannelDelivery::Load(const std::string& user) {
  const ChannelAccessCache::Token token = cache_.BeginLoad();
  Status s = deps_.submit_writer([this, user, token](store::ChatStore&) {
    auto views = deps_.store->ChannelViews(user);  // writer thread
    deps_.tasks.Post([this, user, token, views = std::move(views)] {
      if (!deps_.connected(user)) return;
      if (!views.ok()) {
        deps_.broker.Log(LogLevel::kWarning, "mqchat: channel access of " + user + ": " +
                                                 views.status().ToString());
        return;  // nothing cached: channels refused until the next connection
      }
      // A change to one of its servers since the load began: it may predate it.
      if (!cache_.Apply(user, token, *views)) Load(user);
    });
  });
  if (!s.ok()) deps_.broker.Log(LogLevel::kWarning, "mqchat: channel access load: " + s.ToString());
}

void ChannelDelivery::ChangedOnWriter(int64_t server_id, const std::string& user,
                                      const std::string& actor) {
  deps_.tasks.Post([this, server_id, user] { Invalidate(server_id, user, /*share=*/true); });
  if (actor.empty() || deps_.store == nullptr) return;
  // The actor's access read after the change, applied after the invalidation above and
  // before the answer, which is posted after this.
  auto views = deps_.store->ChannelViews(actor);
  if (!views.ok()) return;  // loaded again by the invalidation
  deps_.tasks.Post([this, actor, views = std::move(*views)] {
    if (deps_.connected(actor)) cache_.Apply(actor, cache_.BeginLoad(), views);
  });
}

void ChannelDelivery::Invalidate(int64_t server_id, const std::string& user, bool share) {
  std::vector<std::string> reload = cache_.Invalidate(server_id);
  if (!user.empty() && deps_.connected(user) &&
      std::find(reload.begin(), reload.end(), user) == reload.end()) {
    reload.push_back(user);
  }
  if (share && bus_.share_change) bus_.share_change(server_id, user);
  for (const std::string& u : reload) {
    if (deps_.connected(u)) Load(u);
  }
}

std::vector<int64_t> ChannelDelivery::Viewable(const std::string& user) const {
  std::vector<int64_t> out;
  if (const auto* set = cache_.Viewable(user)) out.assign(set->begin(), set->end());
  std::sort(out.begin(), out.end());
  return out;
}

uint64_t ChannelDelivery::PermissionsOnWriter(const std::string& user, int64_t id) {
  if (deps_.store == nullptr) return 0;
  auto access = deps_.store->GetChannelAccess(user, id);
  return access.ok() ? access->permissions : 0;
}

bool ChannelDelivery::MayViewOnWriter(const std::string& user, int64_t id) {
  if (deps_.store == nullptr) return false;
  auto access = deps_.store->GetChannelAccess(user, id);
  return access.ok() && Has(access->permissions, kViewChannel);
}

Status ChannelDelivery::SetSlowModeOnWriter(const std::string& user, int64_t id,
                                            int64_t seconds) {
  if (deps_.store == nullptr) return Status::NotFound("communities are off");
  // Not a channel at all: kNotFound, so the caller asks the groups.
  MQCHAT_RETURN_IF_ERROR(deps_.store->ServerOf(id, 0).status());
  MQCHAT_ASSIGN_OR_RETURN(int64_t server_id, deps_.store->SetChannelSlowMode(user, id, seconds));
  // Every broker's cache carries the interval: the change reloads it, the actor's at once.
  ChangedOnWriter(server_id, "", user);
  return Status::Ok();
}

void ChannelDelivery::PublishLocal(int64_t channel_id, const std::string& payload, int qos) {
  OutgoingMessage msg;
  msg.topic = protocol::ChannelTopic(channel_id);
  msg.payload = payload;
  msg.qos = qos == 0 ? 0 : 1;
  // Through the subscriptions: the READ ACL checks each reader against the cache.
  Status s = deps_.broker.Publish(msg);
  if (!s.ok()) {
    deps_.broker.Log(LogLevel::kWarning,
                     "mqchat: publish to channel " + std::to_string(channel_id) + ": " +
                         s.ToString());
  }
}

void ChannelDelivery::Publish(int64_t id, const std::string& payload) {
  PublishLocal(id, payload, 1);
  if (bus_.share_message) bus_.share_message(id, payload, 1);
}

void ChannelDelivery::PublishEphemeral(int64_t id, const std::string& payload) {
  // QoS 0: never queued for an offline session, as typing to inboxes.
  PublishLocal(id, payload, 0);
  if (bus_.share_message) bus_.share_message(id, payload, 0);
}

}  // namespace mqchat::community
