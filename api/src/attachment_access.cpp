#include "attachment_access.h"

#include "community/permissions.h"

namespace mqchat::api {

Result<bool> MayReadAttachment(StoreLease& store, const std::string& id, const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(bool readable, store.attachments().CanRead(id, user));
  if (readable) return true;
  MQCHAT_ASSIGN_OR_RETURN(std::vector<int64_t> channels, store.attachments().ChannelsOf(id));
  if (channels.empty()) return false;
  MQCHAT_ASSIGN_OR_RETURN(store::CommunityStore * communities, store.communities());
  for (int64_t channel : channels) {
    auto access = communities->GetChannelAccess(user, channel);
    if (!access.ok() && access.status().code() == Code::kNotFound) continue;  // deleted since
    if (!access.ok()) return access.status();
    if (community::Has(access->permissions, community::kViewChannel)) return true;
  }
  return false;
}

}  // namespace mqchat::api
