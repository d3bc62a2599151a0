// GuildFixture: ChatFixture with the community requests the channel suites share (issue 18):
// a server whose owner invites members, its "general" channel, more channels, an override
// that hides a channel from @everyone, a barrier on a user's channel access, and the next
// message on a channel's topic. Test thread only.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "protocol/community.h"
#include "protocol/topics.h"
#include "support/chat_fixture.h"

namespace mqchat::test {

class GuildFixture : public ChatFixture {
 protected:
  static constexpr int64_t kViewChannel = 1;  // community/permissions.h
  static constexpr int kGranted = 1;          // SUBACK: QoS 1 granted

  ChatResponse Op(ChatTestClient& c, protocol::CommunityOp op, nlohmann::json body) {
    const std::string req_id = "g" + std::to_string(++next_req_);
    body["req_id"] = req_id;
    return c.RequestOnTopic(protocol::CommunityRequestTopic(op), body.dump(), req_id);
  }
  // A server owned by `owner` that each of `members` joined; sets server_id_, everyone_, general_.
  void Guild(ChatTestClient& owner, const std::vector<ChatTestClient*>& members) {
    using protocol::CommunityOp;
    auto made = Op(owner, CommunityOp::kServerCreate, {{"name", "Guild"}});
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
  // A text channel named `name`, made by `owner`; 0 (and a failure) if refused.
  int64_t MakeChannel(ChatTestClient& owner, const std::string& name) {
    auto made = Op(owner, protocol::CommunityOp::kChannelCreate,
                   {{"server_id", server_id_}, {"name", name}});
    EXPECT_TRUE(made.ok()) << made.Describe();
    return made.ok() ? JsonId((*made.body)["channel"]["channel_id"]) : 0;
  }
  // Denies view_channel to @everyone in `channel` (only the owner sees it then).
  void HideFromEveryone(ChatTestClient& owner, int64_t channel) {
    auto r = Op(
        owner, protocol::CommunityOp::kOverrideSet,
        {{"channel_id", std::to_string(channel)}, {"role_id", everyone_}, {"deny", kViewChannel}});
    ASSERT_TRUE(r.ok()) << r.Describe();
  }
  // A request through `c`'s writer: answered after every reload of `c`'s channel access queued
  // before it (a client lists its servers before it uses channels after connecting).
  void Barrier(ChatTestClient& c) {
    auto r = Op(c, protocol::CommunityOp::kServers, nlohmann::json::object());
    ASSERT_TRUE(r.ok()) << r.Describe();
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
