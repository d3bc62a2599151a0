// CommunityOps: the community requests (protocol/community.h) on mqchat/v1/req/<op>: servers,
// channels, roles, overrides, invites, joining, leaving, kicks and bans (issue 18). The broker
// thread only hands a parsed request to the writer as a task; on the writer the
// CommunityStore checks what the requester may do (community/permissions.h, inside the change's
// transaction) and the answer goes back through WorkerReplies. Refusals: NOT_MEMBER (not in
// the server, or no such server or channel: one answer), FORBIDDEN (a member without the
// permission), NOT_FOUND (no such role, member or invite), INVALID (not allowed now: an expired
// or used-up invite, a ban, the owner leaving), GROUP_FULL (the server has max_server_members).
#pragma once

#include <cstdint>
#include <string>

#include "chat/op_table.h"
#include "chat/worker_replies.h"
#include "protocol/community.h"
#include "store/community_store.h"
#include "util/clock.h"

namespace mqchat::community {

class CommunityOps {
 public:
  // `store` is used on the writer thread only.
  CommunityOps(chat::WorkerReplies& replies, const Clock& clock, store::CommunityStorePtr store)
      : replies_(replies), clock_(clock), store_(std::move(store)) {}

  // Broker thread: the writer task that answers `request` of `user`.
  chat::Plan Plan(const std::string& user, protocol::CommunityRequest request,
                  const chat::ReplyTo& to);

 private:
  // Writer thread: runs the request against the store and answers it.
  void Run(const std::string& user, const protocol::CommunityRequest& r, const chat::ReplyTo& to,
           int64_t now_ms);
  void RunServerOp(const std::string& user, const protocol::CommunityRequest& r,
                   const chat::ReplyTo& to, int64_t now_ms);
  void RunChannelOp(const std::string& user, const protocol::CommunityRequest& r,
                    const chat::ReplyTo& to, int64_t now_ms);
  void RunRoleOp(const std::string& user, const protocol::CommunityRequest& r,
                 const chat::ReplyTo& to);
  void RunMemberOp(const std::string& user, const protocol::CommunityRequest& r,
                   const chat::ReplyTo& to, int64_t now_ms);
  // Answers `status` (not OK) with the community's error codes.
  void Fail(const chat::ReplyTo& to, const Status& status);
  void Ok(const chat::ReplyTo& to, nlohmann::json result);

  chat::WorkerReplies& replies_;
  const Clock& clock_;
  const store::CommunityStorePtr store_;  // writer thread
};

// The protocol error for a CommunityStore failure (see community_store.h's error list).
protocol::ErrorCode CommunityErrorCode(const Status& status);

}  // namespace mqchat::community
