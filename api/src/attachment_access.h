// Who may read an attachment (GET /v1/attachments/{id} and the signed file URLs): its uploader,
// a member of a conversation where a message carries it, and, for a message in a text channel
// (issue 18), whoever may view that channel now. The channel's permission is resolved by the
// community store (store::CommunityStore::GetChannelAccess, community/permissions.h): the one
// resolution the brokers use for the channel's ACL, history and sync. With --pg_shards the
// links of the conversations on shards are asked of every shard (one query each, after the
// global database's); a shard that cannot be reached makes a "no" kUnavailable (retryable)
// instead. Any thread with a lease.
#pragma once

#include <string>

#include "mqchat/status.h"
#include "store_pool.h"

namespace mqchat::api {

Result<bool> MayReadAttachment(StoreLease& store, const std::string& id, const std::string& user);

}  // namespace mqchat::api
