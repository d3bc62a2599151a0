#include "community/community_ops.h"

#include <openssl/rand.h>

#include <utility>

#include "auth/base64url.h"
#include "community/channel_delivery.h"

namespace mqchat::community {
namespace {

using protocol::CommunityOp;
namespace f = protocol::community_fields;

protocol::WireServer ToWire(const store::Server& s) {
  return {s.id, s.name, s.owner, s.everyone_role_id, s.member_count};
}
protocol::WireChannel ToWire(const store::Channel& c) {
  protocol::WireChannel w{c.id, c.server_id, c.name, c.type, c.topic, c.position, c.category_id};
  if (c.read) {
    w.read = protocol::WireChannelReadState{c.read->last_seq, c.read->read_seq, c.read->unread,
                                            c.read->unread_mentions};
  }
  w.slow_mode_s = c.slow_mode_s;
  return w;
}
protocol::WireRole ToWire(const store::Role& r) {
  return {r.id, r.server_id, r.name, static_cast<int64_t>(r.permissions), r.position};
}

// 12 random bytes as base64url (16 characters): not guessable.
Result<std::string> NewInviteCode() {
  unsigned char bytes[12];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return Status::Internal("no random bytes");
  return auth::Base64UrlEncode(std::string_view(reinterpret_cast<char*>(bytes), sizeof(bytes)));
}

}  // namespace

protocol::ErrorCode CommunityErrorCode(const Status& status) {
  using protocol::ErrorCode;
  switch (status.code()) {
    case Code::kUnauthenticated:
      return ErrorCode::kNotMember;
    case Code::kPermissionDenied:
      return ErrorCode::kForbidden;
    case Code::kNotFound:
      return ErrorCode::kNotFound;
    case Code::kInvalidArgument:
    case Code::kFailedPrecondition:
    case Code::kAlreadyExists:
      return ErrorCode::kInvalid;
    case Code::kResourceExhausted:
      return ErrorCode::kGroupFull;
    case Code::kUnavailable:
      return ErrorCode::kUnavailable;
    default:
      return ErrorCode::kInternal;
  }
}

chat::Plan CommunityOps::Plan(const std::string& user, protocol::CommunityRequest request,
                              const chat::ReplyTo& to) {
  if (store_ == nullptr) {
    return chat::Refusal{protocol::ErrorCode::kUnavailable, "communities are not available"};
  }
  const int64_t now = clock_.NowMs();
  return chat::StoreTask(
      [this, user, r = std::move(request), to, now](store::ChatStore&) { Run(user, r, to, now); });
}

void CommunityOps::Fail(const chat::ReplyTo& to, const Status& status) {
  replies_.Reply(to, chat::ErrorPayload(to, CommunityErrorCode(status), status.message()));
}

void CommunityOps::Ok(const chat::ReplyTo& to, nlohmann::json result) {
  ok_reply_ = chat::OkPayload(to, std::move(result));
}

void CommunityOps::Run(const std::string& user, const protocol::CommunityRequest& r,
                       const chat::ReplyTo& to, int64_t now_ms) {
  ok_reply_.reset();
  answered_server_ = 0;
  const int64_t before = delivery_ != nullptr ? ServerBefore(r) : 0;
  Dispatch(user, r, to, now_ms);
  if (!ok_reply_) return;  // failed: answered already, nothing changed
  if (delivery_ != nullptr) AnnounceChange(user, r, before);
  replies_.Reply(to, std::move(*ok_reply_));
  ok_reply_.reset();
}

int64_t CommunityOps::ServerBefore(const protocol::CommunityRequest& r) {
  int64_t channel = 0;
  int64_t role = 0;
  switch (r.op) {
    case CommunityOp::kChannelDelete:
    case CommunityOp::kOverrideSet:
      channel = r.channel_id;
      break;
    case CommunityOp::kRoleAssign:
    case CommunityOp::kRoleUnassign:
      role = r.role_id;
      break;
    default:
      return r.server_id;
  }
  auto server = store_->ServerOf(channel, role);
  return server.ok() ? *server : 0;
}

void CommunityOps::AnnounceChange(const std::string& user, const protocol::CommunityRequest& r,
                                  int64_t server_before) {
  std::string concerned;  // a member the change is about, who may hold nothing of it yet
  switch (r.op) {
    case CommunityOp::kServers:
    case CommunityOp::kChannels:
    case CommunityOp::kRoles:
    case CommunityOp::kServerMembers:
    case CommunityOp::kServerRename:
    case CommunityOp::kChannelEdit:
    case CommunityOp::kRoleCreate:
    case CommunityOp::kInviteCreate:
      return;  // no one's access to a channel changed
    case CommunityOp::kServerCreate:
    case CommunityOp::kInviteJoin:
    case CommunityOp::kServerLeave:
      concerned = user;
      break;
    case CommunityOp::kOverrideSet:
    case CommunityOp::kRoleAssign:
    case CommunityOp::kRoleUnassign:
    case CommunityOp::kKick:
    case CommunityOp::kBan:
      concerned = r.user;
      break;
    case CommunityOp::kServerDelete:
    case CommunityOp::kChannelCreate:
    case CommunityOp::kChannelDelete:
    case CommunityOp::kRoleEdit:
      break;
  }
  const int64_t server = answered_server_ > 0 ? answered_server_ : server_before;
  if (server > 0) delivery_->ChangedOnWriter(server, concerned, user);
}

void CommunityOps::Dispatch(const std::string& user, const protocol::CommunityRequest& r,
                            const chat::ReplyTo& to, int64_t now_ms) {
  switch (r.op) {
    case CommunityOp::kServerCreate:
    case CommunityOp::kServerRename:
    case CommunityOp::kServerDelete:
    case CommunityOp::kServers:
    case CommunityOp::kServerLeave:
      return RunServerOp(user, r, to, now_ms);
    case CommunityOp::kChannels:
    case CommunityOp::kChannelCreate:
    case CommunityOp::kChannelEdit:
    case CommunityOp::kChannelDelete:
    case CommunityOp::kOverrideSet:
      return RunChannelOp(user, r, to, now_ms);
    case CommunityOp::kRoles:
    case CommunityOp::kRoleCreate:
    case CommunityOp::kRoleEdit:
    case CommunityOp::kRoleAssign:
    case CommunityOp::kRoleUnassign:
      return RunRoleOp(user, r, to);
    case CommunityOp::kServerMembers:
    case CommunityOp::kInviteCreate:
    case CommunityOp::kInviteJoin:
    case CommunityOp::kKick:
    case CommunityOp::kBan:
      return RunMemberOp(user, r, to, now_ms);
  }
}

void CommunityOps::RunServerOp(const std::string& user, const protocol::CommunityRequest& r,
                               const chat::ReplyTo& to, int64_t now_ms) {
  auto answer_server = [&](const Result<store::Server>& s) {
    if (!s.ok()) return Fail(to, s.status());
    answered_server_ = s->id;
    Ok(to, {{f::kServer, protocol::EncodeServer(ToWire(*s))}});
  };
  auto answer_status = [&](const Status& s) {
    s.ok() ? Ok(to, nlohmann::json::object()) : Fail(to, s);
  };
  switch (r.op) {
    case CommunityOp::kServerCreate:
      return answer_server(store_->CreateServer(user, *r.name, now_ms));
    case CommunityOp::kServerRename:
      return answer_server(store_->RenameServer(user, r.server_id, *r.name));
    case CommunityOp::kServerDelete:
      return answer_status(store_->DeleteServer(user, r.server_id));
    case CommunityOp::kServerLeave:
      return answer_status(store_->Leave(user, r.server_id));
    case CommunityOp::kServers: {
      auto servers = store_->ListServers(user);
      if (!servers.ok()) return Fail(to, servers.status());
      nlohmann::json list = nlohmann::json::array();
      for (const auto& s : *servers) list.push_back(protocol::EncodeServer(ToWire(s)));
      return Ok(to, {{f::kServers, std::move(list)}});
    }
    default:
      return;
  }
}

void CommunityOps::RunChannelOp(const std::string& user, const protocol::CommunityRequest& r,
                                const chat::ReplyTo& to, int64_t now_ms) {
  auto answer_channel = [&](const Result<store::Channel>& c) {
    if (!c.ok()) return Fail(to, c.status());
    answered_server_ = c->server_id;
    Ok(to, {{f::kChannel, protocol::EncodeChannel(ToWire(*c))}});
  };
  switch (r.op) {
    case CommunityOp::kChannels: {
      auto channels = store_->ListChannels(user, r.server_id);
      if (!channels.ok()) return Fail(to, channels.status());
      nlohmann::json list = nlohmann::json::array();
      for (const auto& c : *channels) list.push_back(protocol::EncodeChannel(ToWire(c)));
      return Ok(to, {{f::kChannels, std::move(list)}});
    }
    case CommunityOp::kChannelCreate: {
      store::Channel c;
      c.server_id = r.server_id;
      c.name = *r.name;
      c.type = r.type;
      c.topic = r.topic.value_or("");
      c.position = r.position.value_or(0);
      c.category_id = r.category_id.value_or(0);
      return answer_channel(store_->CreateChannel(user, c, now_ms));
    }
    case CommunityOp::kChannelEdit:
      return answer_channel(
          store_->EditChannel(user, r.channel_id, {r.name, r.topic, r.position, r.category_id}));
    case CommunityOp::kChannelDelete: {
      Status s = store_->DeleteChannel(user, r.channel_id);
      return s.ok() ? Ok(to, nlohmann::json::object()) : Fail(to, s);
    }
    case CommunityOp::kOverrideSet: {
      ChannelOverride o;
      o.target = r.user.empty() ? OverrideTarget::kRole : OverrideTarget::kMember;
      o.role_id = r.role_id;
      o.username = r.user;
      o.allow = static_cast<PermissionSet>(r.allow);
      o.deny = static_cast<PermissionSet>(r.deny);
      Status s = store_->SetOverride(user, r.channel_id, o);
      return s.ok() ? Ok(to, nlohmann::json::object()) : Fail(to, s);
    }
    default:
      return;
  }
}

void CommunityOps::RunRoleOp(const std::string& user, const protocol::CommunityRequest& r,
                             const chat::ReplyTo& to) {
  auto answer_role = [&](const Result<store::Role>& role) {
    if (!role.ok()) return Fail(to, role.status());
    answered_server_ = role->server_id;
    Ok(to, {{f::kRole, protocol::EncodeRole(ToWire(*role))}});
  };
  std::optional<PermissionSet> perms;
  if (r.permissions) perms = static_cast<PermissionSet>(*r.permissions);
  switch (r.op) {
    case CommunityOp::kRoles: {
      auto roles = store_->ListRoles(user, r.server_id);
      if (!roles.ok()) return Fail(to, roles.status());
      nlohmann::json list = nlohmann::json::array();
      for (const auto& role : *roles) list.push_back(protocol::EncodeRole(ToWire(role)));
      return Ok(to, {{f::kRoles, std::move(list)}});
    }
    case CommunityOp::kRoleCreate:
      return answer_role(store_->CreateRole(user, r.server_id, *r.name, perms.value_or(0)));
    case CommunityOp::kRoleEdit:
      return answer_role(store_->EditRole(user, r.role_id, r.name, perms));
    case CommunityOp::kRoleAssign:
    case CommunityOp::kRoleUnassign: {
      Status s = store_->AssignRole(user, r.role_id, r.user, r.op == CommunityOp::kRoleAssign);
      return s.ok() ? Ok(to, nlohmann::json::object()) : Fail(to, s);
    }
    default:
      return;
  }
}

void CommunityOps::RunMemberOp(const std::string& user, const protocol::CommunityRequest& r,
                               const chat::ReplyTo& to, int64_t now_ms) {
  switch (r.op) {
    case CommunityOp::kServerMembers: {
      auto members = store_->ListMembers(user, r.server_id, r.after, r.limit);
      if (!members.ok()) return Fail(to, members.status());
      nlohmann::json list = nlohmann::json::array();
      for (const auto& m : *members) {
        list.push_back(protocol::EncodeServerMember({m.username, m.owner, m.role_ids}));
      }
      return Ok(to, {{f::kMembers, std::move(list)}});
    }
    case CommunityOp::kInviteCreate: {
      auto code = NewInviteCode();
      if (!code.ok()) return Fail(to, code.status());
      store::Invite invite;
      invite.code = *code;
      invite.server_id = r.server_id;
      invite.expires_at_ms = r.expires_in_ms == 0 ? 0 : now_ms + r.expires_in_ms;
      invite.max_uses = r.max_uses;
      auto made = store_->CreateInvite(user, invite, now_ms);
      if (!made.ok()) return Fail(to, made.status());
      return Ok(to, {{f::kInvite,
                      protocol::EncodeInvite({made->code, made->server_id, made->expires_at_ms,
                                              made->max_uses, made->uses})}});
    }
    case CommunityOp::kInviteJoin: {
      auto server = store_->JoinByInvite(user, r.code, now_ms);
      if (!server.ok()) return Fail(to, server.status());
      answered_server_ = server->id;
      return Ok(to, {{f::kServer, protocol::EncodeServer(ToWire(*server))}});
    }
    case CommunityOp::kKick:
    case CommunityOp::kBan: {
      Status s = r.op == CommunityOp::kKick ? store_->Kick(user, r.server_id, r.user)
                                            : store_->Ban(user, r.server_id, r.user, now_ms);
      return s.ok() ? Ok(to, nlohmann::json::object()) : Fail(to, s);
    }
    default:
      return;
  }
}

}  // namespace mqchat::community
