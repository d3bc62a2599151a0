#include "community_result.h"

#include <utility>

#include "protocol/community_wire.h"

namespace mqchat::sdk {
namespace {

Server FromWire(protocol::WireServer w) {
  return {w.id, std::move(w.name), std::move(w.owner), w.everyone_role_id, w.member_count};
}
Channel FromWire(protocol::WireChannel w) {
  Channel c{w.id,       w.server_id, std::move(w.name), std::move(w.type), std::move(w.topic),
            w.position, w.category_id};
  if (w.read) {
    c.last_seq = w.read->last_seq;
    c.read_seq = w.read->read_seq;
    c.unread = w.read->unread;
    c.unread_mentions = w.read->unread_mentions;
  }
  c.slow_mode_s = w.slow_mode_s;
  return c;
}
Role FromWire(protocol::WireRole w) {
  return {w.id, w.server_id, std::move(w.name), w.permissions, w.position};
}
ServerMember FromWire(protocol::WireServerMember w) {
  return {std::move(w.user), w.owner, std::move(w.role_ids)};
}
Invite FromWire(protocol::WireInvite w) {
  return {std::move(w.code), w.server_id, w.expires_at_ms, w.max_uses, w.uses};
}

// `decoded` as the public type, or kInternal naming the op.
template <typename Wire>
auto Convert(const protocol::Response& r, Result<Wire> decoded) -> Result<decltype(FromWire(
                                                                     std::declval<Wire>()))> {
  if (!decoded.ok()) {
    return Status::Internal("malformed " + r.op + " response: " + decoded.status().message());
  }
  return FromWire(std::move(decoded).value());
}

template <typename Wire>
auto ConvertList(const protocol::Response& r, Result<std::vector<Wire>> decoded)
    -> Result<std::vector<decltype(FromWire(std::declval<Wire>()))>> {
  if (!decoded.ok()) {
    return Status::Internal("malformed " + r.op + " response: " + decoded.status().message());
  }
  std::vector<decltype(FromWire(std::declval<Wire>()))> out;
  out.reserve(decoded->size());
  for (auto& w : *decoded) out.push_back(FromWire(std::move(w)));
  return out;
}

}  // namespace

Result<Server> ServerResult(const protocol::Response& r) {
  return Convert(r, protocol::DecodeServerField(r.body));
}
Result<std::vector<Server>> ServersResult(const protocol::Response& r) {
  return ConvertList(r, protocol::DecodeServerList(r.body));
}
Result<Channel> ChannelResult(const protocol::Response& r) {
  return Convert(r, protocol::DecodeChannelField(r.body));
}
Result<std::vector<Channel>> ChannelsResult(const protocol::Response& r) {
  return ConvertList(r, protocol::DecodeChannelList(r.body));
}
Result<Role> RoleResult(const protocol::Response& r) {
  return Convert(r, protocol::DecodeRoleField(r.body));
}
Result<std::vector<Role>> RolesResult(const protocol::Response& r) {
  return ConvertList(r, protocol::DecodeRoleList(r.body));
}
Result<std::vector<ServerMember>> ServerMembersResult(const protocol::Response& r) {
  return ConvertList(r, protocol::DecodeServerMemberList(r.body));
}
Result<Invite> InviteResult(const protocol::Response& r) {
  return Convert(r, protocol::DecodeInviteField(r.body));
}

}  // namespace mqchat::sdk
