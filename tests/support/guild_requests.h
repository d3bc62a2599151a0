// GuildRequests: the community requests the channel suites share (issue 18), for a fixture on
// one broker (GuildFixture) or on several (the shared_channel suites): a server whose owner
// invites members, its "general" channel, more channels, roles, overrides, a barrier on a
// user's channel access, a user's entry in `channels`, subscribing to a channel's topic and
// the next message on it. Mixed into a gtest fixture beside its broker set-up. Test thread only.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "protocol/community.h"
#include "protocol/topics.h"
#include "support/chat_client.h"
#include "support/wait_for.h"

namespace mqchat::test {

class GuildRequests {
 protected:
  // community/permissions.h
  static constexpr int64_t kViewChannel = 1;
  static constexpr int64_t kSendMessages = 2;
  static constexpr int64_t kManageMessages = 4;
  static constexpr int64_t kManageChannels = 8;
  static constexpr int kGranted = 1;  // SUBACK: QoS 1 granted

  ChatResponse Op(ChatTestClient& c, protocol::CommunityOp op, nlohmann::json body) {
    const std::string req_id = "g" + std::to_string(++next_req_);
    body["req_id"] = req_id;
    return c.RequestOnTopic(protocol::CommunityRequestTopic(op), body.dump(), req_id);
  }
  // A server named `name` owned by `owner` that each of `members` joined; sets server_id_,
  // everyone_, general_ (its first channel) to the new server's.
  void Guild(ChatTestClient& owner, const std::vector<ChatTestClient*>& members,
             const std::string& name = "Guild") {
    using protocol::CommunityOp;
    auto made = Op(owner, CommunityOp::kServerCreate, {{"name", name}});
    ASSERT_TRUE(made.ok()) << made.Describe();
    server_id_ = (*made.body)["server"]["server_id"];
    everyone_ = (*made.body)["server"]["everyone_role_id"];
    auto invite = Op(owner, CommunityOp::kInviteCreate, {{"server_id", server_id_}});
    ASSERT_TRUE(invite.ok()) << invite.Describe();
    for (ChatTestClient* m : members) {
      auto joined = Op(*m, CommunityOp::kInviteJoin, {{"code", (*invite.body)["invite"]["code"]}});
      ASSERT_TRUE(joined.ok()) << joined.Describe();
    }
    auto channels = Op(owner, CommunityOp::kChannels, {{"server_id", server_id_}});
    ASSERT_TRUE(channels.ok()) << channels.Describe();
    general_ = JsonId((*channels.body)["channels"][0]["channel_id"]);
  }
  // A text channel named `name` in server_id_, made by `owner`; 0 (and a failure) if refused.
  int64_t MakeChannel(ChatTestClient& owner, const std::string& name) {
    auto made = Op(owner, protocol::CommunityOp::kChannelCreate,
                   {{"server_id", server_id_}, {"name", name}});
    EXPECT_TRUE(made.ok()) << made.Describe();
    return made.ok() ? JsonId((*made.body)["channel"]["channel_id"]) : 0;
  }
  // A role of server_id_ with `permissions`, given to `user`; its id ("" on failure).
  std::string GiveRole(ChatTestClient& owner, const std::string& user, int64_t permissions) {
    using protocol::CommunityOp;
    auto role = Op(owner, CommunityOp::kRoleCreate,
                   {{"server_id", server_id_}, {"name", "r" + user}, {"permissions", permissions}});
    EXPECT_TRUE(role.ok()) << role.Describe();
    if (!role.ok()) return "";
    const std::string id = (*role.body)["role"]["role_id"];
    auto assigned = Op(owner, CommunityOp::kRoleAssign, {{"role_id", id}, {"user", user}});
    EXPECT_TRUE(assigned.ok()) << assigned.Describe();
    return id;
  }
  // Sets the override of `target` ({"role_id": ID} or {"user": NAME}) in `channel`.
  void Override(ChatTestClient& owner, int64_t channel, nlohmann::json target, int64_t allow,
                int64_t deny) {
    target["channel_id"] = std::to_string(channel);
    target["allow"] = allow;
    target["deny"] = deny;
    auto r = Op(owner, protocol::CommunityOp::kOverrideSet, target);
    ASSERT_TRUE(r.ok()) << r.Describe();
  }
  // Denies view_channel to @everyone in `channel` (only the owner sees it then).
  void HideFromEveryone(ChatTestClient& owner, int64_t channel) {
    Override(owner, channel, {{"role_id", everyone_}}, 0, kViewChannel);
  }
  // A request through `c`'s writer: answered after every reload of `c`'s channel access queued
  // before it (a client lists its servers before it uses channels after connecting).
  void Barrier(ChatTestClient& c) {
    auto r = Op(c, protocol::CommunityOp::kServers, nlohmann::json::object());
    ASSERT_TRUE(r.ok()) << r.Describe();
  }
  // `c`'s entry of channel `id` in the `channels` of server_id_ (null if not listed).
  nlohmann::json Listed(ChatTestClient& c, int64_t id) {
    auto r = Op(c, protocol::CommunityOp::kChannels, {{"server_id", server_id_}});
    EXPECT_TRUE(r.ok()) << r.Describe();
    if (!r.ok()) return nullptr;
    for (const auto& ch : (*r.body)["channels"]) {
      if (JsonId(ch["channel_id"]) == id) return ch;
    }
    return nullptr;
  }
  // Subscribes `c` to channel `id`, retrying until granted: a change made through another
  // broker reaches this one's cache asynchronously. The last SUBACK code.
  static int SubscribeChannel(ChatTestClient& c, int64_t id,
                              std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    int code = -1;
    WaitFor(
        [&] {
          code = c.mqtt().Subscribe(protocol::ChannelTopic(id));
          return code == kGranted;
        },
        timeout, c.user() + " allowed to subscribe to channel " + std::to_string(id));
    return code;
  }
  // The next message event on channel `id`'s topic (subscribe first).
  static std::optional<nlohmann::json> NextChannelMessage(
      ChatTestClient& c, int64_t id,
      std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    auto msg = c.mqtt().WaitMessage(timeout, protocol::ChannelTopic(id));
    if (!msg) return std::nullopt;
    return nlohmann::json::parse(msg->payload);
  }

  std::string server_id_;
  std::string everyone_;
  int64_t general_ = 0;
  int next_req_ = 0;
};

}  // namespace mqchat::test
