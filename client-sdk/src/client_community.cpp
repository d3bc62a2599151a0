// mqchat::Client's community calls (issue 18; mqchat/community.h): each builds the protocol's
// CommunityRequest, starts it through ClientImpl::Community and decodes the answer
// (community_result.h) into a future.
#include <memory>
#include <utility>

#include "client_completion.h"
#include "client_impl.h"
#include "community_result.h"
#include "mqchat/client.h"

namespace mqchat {
namespace {

using protocol::CommunityOp;
using protocol::CommunityRequest;

CommunityRequest Op(CommunityOp op) {
  CommunityRequest r;
  r.op = op;
  return r;
}

// Starts `request` and fulfils the future with `decode` of its ok response.
template <typename T>
std::future<Result<T>> Ask(sdk::ClientImpl& impl, CommunityRequest request,
                           Result<T> (*decode)(const protocol::Response&)) {
  return sdk::FutureOf<Result<T>>([&](auto done) {
    impl.Community(std::move(request),
                   [done = std::move(done), decode](Result<protocol::Response> r) {
                     done(r.ok() ? decode(*r) : Result<T>(r.status()));
                   });
  });
}

std::future<Status> AskStatus(sdk::ClientImpl& impl, CommunityRequest request) {
  return sdk::FutureOf<Status>([&](auto done) {
    impl.Community(std::move(request),
                   [done = std::move(done)](Result<protocol::Response> r) { done(r.status()); });
  });
}

}  // namespace

std::future<Result<Server>> Client::CreateServer(std::string name) {
  auto r = Op(CommunityOp::kServerCreate);
  r.name = std::move(name);
  return Ask(*impl_, std::move(r), sdk::ServerResult);
}

std::future<Result<std::vector<Server>>> Client::Servers() {
  return Ask(*impl_, Op(CommunityOp::kServers), sdk::ServersResult);
}

std::future<Result<Server>> Client::JoinServer(std::string invite_code) {
  auto r = Op(CommunityOp::kInviteJoin);
  r.code = std::move(invite_code);
  return Ask(*impl_, std::move(r), sdk::ServerResult);
}

std::future<Status> Client::LeaveServer(int64_t server_id) {
  auto r = Op(CommunityOp::kServerLeave);
  r.server_id = server_id;
  return AskStatus(*impl_, std::move(r));
}

std::future<Result<std::vector<Channel>>> Client::Channels(int64_t server_id) {
  auto r = Op(CommunityOp::kChannels);
  r.server_id = server_id;
  return Ask(*impl_, std::move(r), sdk::ChannelsResult);
}

std::future<Result<Channel>> Client::CreateChannel(int64_t server_id, ChannelOptions options) {
  auto r = Op(CommunityOp::kChannelCreate);
  r.server_id = server_id;
  r.name = std::move(options.name);
  r.type = std::move(options.type);
  r.topic = std::move(options.topic);
  r.position = options.position;
  if (options.category_id > 0) r.category_id = options.category_id;
  return Ask(*impl_, std::move(r), sdk::ChannelResult);
}

std::future<Result<std::vector<Role>>> Client::Roles(int64_t server_id) {
  auto r = Op(CommunityOp::kRoles);
  r.server_id = server_id;
  return Ask(*impl_, std::move(r), sdk::RolesResult);
}

std::future<Result<Role>> Client::CreateRole(int64_t server_id, std::string name,
                                             int64_t permissions) {
  auto r = Op(CommunityOp::kRoleCreate);
  r.server_id = server_id;
  r.name = std::move(name);
  r.permissions = permissions;
  return Ask(*impl_, std::move(r), sdk::RoleResult);
}

std::future<Status> Client::AssignRole(int64_t role_id, std::string user) {
  auto r = Op(CommunityOp::kRoleAssign);
  r.role_id = role_id;
  r.user = std::move(user);
  return AskStatus(*impl_, std::move(r));
}

std::future<Status> Client::UnassignRole(int64_t role_id, std::string user) {
  auto r = Op(CommunityOp::kRoleUnassign);
  r.role_id = role_id;
  r.user = std::move(user);
  return AskStatus(*impl_, std::move(r));
}

std::future<Status> Client::SetChannelOverride(int64_t channel_id, int64_t role_id, int64_t allow,
                                               int64_t deny) {
  auto r = Op(CommunityOp::kOverrideSet);
  r.channel_id = channel_id;
  r.role_id = role_id;
  r.allow = allow;
  r.deny = deny;
  return AskStatus(*impl_, std::move(r));
}

std::future<Result<Invite>> Client::CreateInvite(int64_t server_id, InviteOptions options) {
  auto r = Op(CommunityOp::kInviteCreate);
  r.server_id = server_id;
  r.expires_in_ms = options.expires_in_ms;
  r.max_uses = options.max_uses;
  return Ask(*impl_, std::move(r), sdk::InviteResult);
}

std::future<Result<std::vector<ServerMember>>> Client::ServerMembers(int64_t server_id,
                                                                     std::string after, int limit) {
  auto r = Op(CommunityOp::kServerMembers);
  r.server_id = server_id;
  r.after = std::move(after);
  r.limit = limit;
  return Ask(*impl_, std::move(r), sdk::ServerMembersResult);
}

std::future<Status> Client::Kick(int64_t server_id, std::string user) {
  auto r = Op(CommunityOp::kKick);
  r.server_id = server_id;
  r.user = std::move(user);
  return AskStatus(*impl_, std::move(r));
}

std::future<Status> Client::Ban(int64_t server_id, std::string user) {
  auto r = Op(CommunityOp::kBan);
  r.server_id = server_id;
  r.user = std::move(user);
  return AskStatus(*impl_, std::move(r));
}

std::future<Result<Server>> Client::RenameServer(int64_t server_id, std::string name) {
  auto r = Op(CommunityOp::kServerRename);
  r.server_id = server_id;
  r.name = std::move(name);
  return Ask(*impl_, std::move(r), sdk::ServerResult);
}

std::future<Status> Client::DeleteServer(int64_t server_id) {
  auto r = Op(CommunityOp::kServerDelete);
  r.server_id = server_id;
  return AskStatus(*impl_, std::move(r));
}

std::future<Result<Channel>> Client::EditChannel(int64_t channel_id, ChannelEdit edit) {
  auto r = Op(CommunityOp::kChannelEdit);
  r.channel_id = channel_id;
  r.name = std::move(edit.name);
  r.topic = std::move(edit.topic);
  r.position = edit.position;
  r.category_id = edit.category_id;
  return Ask(*impl_, std::move(r), sdk::ChannelResult);
}

std::future<Status> Client::DeleteChannel(int64_t channel_id) {
  auto r = Op(CommunityOp::kChannelDelete);
  r.channel_id = channel_id;
  return AskStatus(*impl_, std::move(r));
}

std::future<Result<Role>> Client::EditRole(int64_t role_id, RoleEdit edit) {
  auto r = Op(CommunityOp::kRoleEdit);
  r.role_id = role_id;
  r.name = std::move(edit.name);
  r.permissions = edit.permissions;
  return Ask(*impl_, std::move(r), sdk::RoleResult);
}

std::future<Status> Client::WatchChannel(int64_t channel_id) {
  return sdk::FutureOf<Status>(
      [&](auto done) { impl_->WatchChannel(channel_id, std::move(done)); });
}

std::future<Status> Client::UnwatchChannel(int64_t channel_id) {
  return sdk::FutureOf<Status>(
      [&](auto done) { impl_->UnwatchChannel(channel_id, std::move(done)); });
}

}  // namespace mqchat
