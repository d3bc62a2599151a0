// SqlCommunityStore: what the channel delivery needs (see sql_community_store.h and
// docs/ARCHITECTURE.md "Channel delivery"): a user's permissions in every text channel of
// their servers, for the brokers' channel access caches, and the server a channel or role
// belongs to, so a change can be announced by server.
#include <string>
#include <vector>

#include "store/community_queries.h"
#include "store/community_rows.h"
#include "store/sql_community_store.h"

namespace mqchat::store {
namespace {

constexpr char kServerOfChannel[] = "SELECT server_id FROM channels WHERE channel_id = ?1";
constexpr char kServerOfRole[] = "SELECT server_id FROM roles WHERE role_id = ?1";

}  // namespace

using community_rows::ReadChannel;
using community_rows::ReadServer;

Result<std::vector<ChannelAccess>> SqlCommunityStore::ChannelViews(const std::string& user) {
  MQCHAT_ASSIGN_OR_RETURN(auto servers, sql_->Query(community_sql::kServersOfUser, {user}));
  std::vector<ChannelAccess> out;
  for (const SqlRow& row : servers) {
    const Server server = ReadServer(row);
    auto actor = LoadActor(server.id, user, /*lock=*/false);
    if (!actor.ok()) {
      // Left (or was removed) since the list was read: nothing there.
      if (actor.status().code() == Code::kUnauthenticated) continue;
      return actor.status();
    }
    // The server itself (channel_id 0): the user is in it, with or without text channels.
    ChannelAccess membership;
    membership.server_id = server.id;
    membership.perm_version = actor->server.perm_version;
    membership.permissions = actor->base;
    out.push_back(membership);
    MQCHAT_ASSIGN_OR_RETURN(auto channels, sql_->Query(community_sql::kChannels, {server.id}));
    for (const SqlRow& c : channels) {
      const Channel channel = ReadChannel(c);
      if (channel.type != kChannelText) continue;
      ChannelAccess access;
      access.server_id = server.id;
      access.channel_id = channel.id;
      access.perm_version = actor->server.perm_version;
      access.slow_mode_s = channel.slow_mode_s;
      MQCHAT_ASSIGN_OR_RETURN(access.permissions, InChannel(*actor, channel.id));
      out.push_back(access);
    }
  }
  return out;
}

Result<int64_t> SqlCommunityStore::ServerOf(int64_t channel_id, int64_t role_id) {
  const bool by_channel = channel_id > 0;
  MQCHAT_ASSIGN_OR_RETURN(auto rows, sql_->Query(by_channel ? kServerOfChannel : kServerOfRole,
                                                 {by_channel ? channel_id : role_id}));
  if (rows.empty()) return Status::NotFound("no such channel or role");
  return rows.front().Int(0);
}

}  // namespace mqchat::store
