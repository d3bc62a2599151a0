// The community results of the SDK (issue 18): a response body decoded with the protocol's
// bounded decoders (protocol/community_wire.h) into mqchat/community.h's types; a body that does
// not decode is kInternal (as op_results.h). Pure functions; any thread.
#pragma once

#include <vector>

#include "mqchat/community.h"
#include "mqchat/status.h"
#include "protocol/wire.h"

namespace mqchat::sdk {

Result<Server> ServerResult(const protocol::Response& r);
Result<std::vector<Server>> ServersResult(const protocol::Response& r);
Result<Channel> ChannelResult(const protocol::Response& r);
Result<std::vector<Channel>> ChannelsResult(const protocol::Response& r);
Result<Role> RoleResult(const protocol::Response& r);
Result<std::vector<Role>> RolesResult(const protocol::Response& r);
Result<std::vector<ServerMember>> ServerMembersResult(const protocol::Response& r);
Result<Invite> InviteResult(const protocol::Response& r);

}  // namespace mqchat::sdk
