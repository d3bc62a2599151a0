// Mention pushes in text channels (issue 18; docs/PROTOCOL.md 7.2), over a real broker with the
// fake push gateway, on SQLite and PostgreSQL: a channel message is pushed only to the offline
// users it mentions who may view the channel (never to every reader of the channel, and never
// to a mentioned server member the channel is hidden from), with the notification of a mention
// in a group (`"mention":true`, the channel's id as the room).
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/guild_fixture.h"
#include "support/http_test_server.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;
using std::chrono::seconds;

class ChannelMentionPushTest : public GuildFixture {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<HttpTestServer>();
    GuildFixture::SetUp();
  }
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"push_gateway_url", gateway_->Url()},
            {"push_coalesce_ms", "0"},
            {"presence_min_interval_ms", "0"}};
  }
  // `user` (logged in as `c`) registers a push target, then goes offline as `watcher`'s broker
  // sees it.
  void OfflineWithTarget(std::unique_ptr<ChatTestClient> c, ChatTestClient& watcher) {
    const std::string user = c->user();
    ASSERT_TRUE(
        c->Request(Op::kPushRegister, 0, {{"platform", "fcm"}, {"token", "tok-" + user}}).ok());
    // A direct conversation makes them contacts, whose presence the watcher may follow.
    ASSERT_GT(watcher.OpenDirect(user), 0);
    ASSERT_EQ(watcher.mqtt().Subscribe(protocol::PresenceTopic(user)), 1);
    c->Disconnect();
    const auto deadline = std::chrono::steady_clock::now() + seconds(15);
    bool offline = false;
    while (!offline && std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto msg = watcher.mqtt().WaitMessage(left, protocol::PresenceTopic(user));
      if (!msg) break;
      auto p = protocol::DecodePresence(msg->payload);
      offline = p.ok() && !p->online;
    }
    ASSERT_TRUE(offline) << user << " offline for " << watcher.user() << "'s broker";
  }
  static ChatResponse SendMentioning(ChatTestClient& c, int64_t id, const std::string& text,
                                     const std::vector<std::string>& mentions,
                                     const std::string& cid) {
    return c.Request(Op::kSend, id,
                     {{"client_msg_id", cid}, {"text", text}, {"mentions", mentions}});
  }
  // (recipient token, notification) of each request the gateway got, in order.
  std::vector<std::pair<std::string, json>> Notifications() const {
    std::vector<std::pair<std::string, json>> out;
    for (const auto& ex : gateway_->Exchanges()) {
      const json& body = ex.request.json;
      if (!body.contains("notification")) continue;
      out.emplace_back(body.dump(), body["notification"]);
    }
    return out;
  }
  static bool For(const std::pair<std::string, json>& n, const std::string& token) {
    return n.first.find("\"" + token + "\"") != std::string::npos;
  }

  std::unique_ptr<HttpTestServer> gateway_;
};

TEST_P(ChannelMentionPushTest, OnlyMentionedReadersOfAChannelArePushed) {
  MQCHAT_REQUIRE_SERVER();
  Register({"olga", "bob", "carol", "dan"});
  auto olga = Login("olga");
  auto bob = Login("bob");
  auto carol = Login("carol");
  auto dan = Login("dan");
  Guild(*olga, {bob.get(), carol.get(), dan.get()});
  const int64_t staff = MakeChannel(*olga, "staff");
  HideFromEveryone(*olga, staff);  // dan (and carol) may not view it
  OfflineWithTarget(std::move(bob), *olga);
  OfflineWithTarget(std::move(carol), *olga);
  OfflineWithTarget(std::move(dan), *olga);

  // Not mentioned: no push, though bob, carol and dan are offline readers of general.
  ASSERT_TRUE(olga->Send(general_, "hello everyone", "m1").ok());
  // carol is mentioned in general: pushed. dan is mentioned in staff (a server member, so the
  // mention is stored) but may not view it: not pushed.
  auto mentioned = SendMentioning(*olga, general_, "@carol look", {"carol"}, "m2");
  ASSERT_TRUE(mentioned.ok()) << mentioned.Describe();
  auto hidden = SendMentioning(*olga, staff, "@dan secret plans", {"dan"}, "s1");
  ASSERT_TRUE(hidden.ok()) << hidden.Describe();
  // A marker stored after both: olga's direct message to bob (offline, so pushed). The writer
  // records jobs in its order and coalescing is off, so a job of the messages before it is due
  // no later than the marker's, and the push worker claims due jobs oldest first, in rounds
  // whose requests all end before the next round: once the notification of a second marker,
  // stored after the first was delivered, reached the gateway, every earlier job had too.
  const int64_t direct = olga->OpenDirect("bob");
  ASSERT_TRUE(olga->Send(direct, "marker", "d1").ok());
  auto count = [&](const std::string& token) {
    size_t n = 0;
    for (const auto& sent : Notifications()) n += For(sent, token) ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(WaitFor([&] { return count("tok-bob") == 1 && count("tok-carol") == 1; }, seconds(20),
                      "bob's and carol's notifications"));
  ASSERT_TRUE(olga->Send(direct, "marker again", "d2").ok());
  ASSERT_TRUE(WaitFor([&] { return count("tok-bob") == 2; }, seconds(20), "the second marker"));

  const auto sent = Notifications();
  ASSERT_EQ(sent.size(), 3u) << "only carol's mention and bob's two direct messages";
  EXPECT_EQ(count("tok-dan"), 0u) << "dan may not view staff";
  for (const auto& n : sent) {
    if (For(n, "tok-carol")) {
      EXPECT_EQ(n.second["room_id"], std::to_string(general_));
      EXPECT_EQ(n.second["mention"], true);
      EXPECT_EQ(n.second["last_seq"], 2);
      EXPECT_EQ(n.second["content"]["body"], "@carol look");
    } else {
      EXPECT_EQ(n.second["room_id"], std::to_string(direct)) << n.first;
    }
  }
}

MQCHAT_INSTANTIATE_FOR_STORES(ChannelMentionPushTest);

}  // namespace
}  // namespace mqchat::test
