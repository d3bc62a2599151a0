#include "attachment_access.h"

#include "community/permissions.h"

namespace mqchat::api {

Result<bool> MayReadAttachment(StoreLease& store, const std::string& id, const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(bool readable, store.attachments().CanRead(id, user));
  if (readable) return true;
  // A sharded store: the messages of a conversation on a shard are linked there. A shard that
  // cannot be reached leaves the answer unknown (kUnavailable), unless another says yes.
  Status unknown = Status::Ok();
  for (size_t i = 0; i < store.shard_count(); ++i) {
    auto shard = store.shard_attachments(i);
    auto on_shard = shard.ok() ? (*shard)->CanRead(id, user) : Result<bool>(shard.status());
    if (on_shard.ok() && *on_shard) return true;
    if (!on_shard.ok()) unknown = on_shard.status();
  }
  MQCHAT_ASSIGN_OR_RETURN(std::vector<int64_t> channels, store.attachments().ChannelsOf(id));
  if (channels.empty()) {
    if (!unknown.ok()) return unknown;
    return false;
  }
  MQCHAT_ASSIGN_OR_RETURN(store::CommunityStore * communities, store.communities());
  for (int64_t channel : channels) {
    auto access = communities->GetChannelAccess(user, channel);
    if (!access.ok() && access.status().code() == Code::kNotFound) continue;  // deleted since
    if (!access.ok()) return access.status();
    if (community::Has(access->permissions, community::kViewChannel)) return true;
  }
  if (!unknown.ok()) return unknown;
  return false;
}

}  // namespace mqchat::api
