// The client's side of the community ops (issue 18; docs/PROTOCOL.md "Communities"): a
// CommunityRequest as the JSON a client publishes on mqchat/v1/req/<op>, and the decoders of
// the result objects (server, channel, role, member, invite) with the bounds a hostile or broken
// server cannot get past (names within kMaxCommunityNameChars code points, ids positive decimal
// strings, arrays bounded). The plugin's side (parsing requests, encoding results) is
// community.h; the field names are its community_fields. Pure; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mqchat/status.h"
#include "protocol/community.h"

namespace mqchat::protocol {

// The request payload: `req_id` and the fields `request.op` takes (others are left out).
std::string EncodeCommunityRequest(const CommunityRequest& request, std::string_view req_id);

Result<WireServer> DecodeServer(const nlohmann::json& value);
Result<WireChannel> DecodeChannel(const nlohmann::json& value);
Result<WireRole> DecodeRole(const nlohmann::json& value);
Result<WireServerMember> DecodeServerMember(const nlohmann::json& value);
Result<WireInvite> DecodeInvite(const nlohmann::json& value);

// The result field `key` of a response body (community_fields::kServer, ...), decoded.
Result<WireServer> DecodeServerField(const nlohmann::json& body);
Result<WireChannel> DecodeChannelField(const nlohmann::json& body);
Result<WireRole> DecodeRoleField(const nlohmann::json& body);
Result<WireInvite> DecodeInviteField(const nlohmann::json& body);
Result<std::vector<WireServer>> DecodeServerList(const nlohmann::json& body);
Result<std::vector<WireChannel>> DecodeChannelList(const nlohmann::json& body);
Result<std::vector<WireRole>> DecodeRoleList(const nlohmann::json& body);
Result<std::vector<WireServerMember>> DecodeServerMemberList(const nlohmann::json& body);

}  // namespace mqchat::protocol
