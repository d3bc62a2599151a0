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
#include <optional>
#include <string>

#include "chat/op_table.h"
#include "chat/worker_replies.h"
#include "protocol/community.h"
#include "store/community_store.h"
#include "util/clock.h"

namespace mqchat::community {

class ChannelDelivery;

class CommunityOps {
 public:
  // `store` is used on the writer thread only.
  CommunityOps(chat::WorkerReplies& replies, const Clock& clock, store::CommunityStorePtr store)
      : replies_(replies), clock_(clock), store_(std::move(store)) {}

  // Broker thread: the writer task that answers `request` of `user`.
  chat::Plan Plan(const std::string& user, protocol::CommunityRequest request,
                  const chat::ReplyTo& to);

  // The store (used on the writer thread only; null: communities are off).
  store::CommunityStore* store() const { return store_.get(); }
  // Set once, before any request: told on the writer of every committed change that can
  // change who may view or send in a channel, before the change's answer is posted.
  void SetChannelDelivery(ChannelDelivery* delivery) { delivery_ = delivery; }

 private:
  // Writer thread: runs the request against the store and answers it; a committed change is
  // announced to the channel delivery first.
  void Run(const std::string& user, const protocol::CommunityRequest& r, const chat::ReplyTo& to,
           int64_t now_ms);
  void Dispatch(const std::string& user, const protocol::CommunityRequest& r,
                const chat::ReplyTo& to, int64_t now_ms);
  // Writer thread: the server a channel or role op concerns, read before it runs (0: none).
  int64_t ServerBefore(const protocol::CommunityRequest& r);
  void AnnounceChange(const std::string& user, const protocol::CommunityRequest& r,
                      int64_t server_before);
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
  ChannelDelivery* delivery_ = nullptr;
  // Writer thread, during Run: the OK answer, posted after the change is announced, and the
  // server the answer named (a server made or joined, a channel or role of it).
  std::optional<std::string> ok_reply_;
  int64_t answered_server_ = 0;
};

// The protocol error for a CommunityStore failure (see community_store.h's error list).
protocol::ErrorCode CommunityErrorCode(const Status& status);

}  // namespace mqchat::community
