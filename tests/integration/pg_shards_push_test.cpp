// Push notifications on a sharded PostgreSQL store (issue 26): the conversations of every shard
// are pushed as with one database (the preview setting and the mention rule read from the
// global database, where they are set), a mute is kept on the conversation's shard, where the
// push and the conversation list read it, and the badge (counts.unread) sums the user's unread
// over every shard. Jobs recorded with their messages survive a SIGKILL of the broker. One
// broker on the global database and three shards (support/pg_shards_fixture.h), the gateway
// played by HttpTestServer.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/gateway_notifications.h"
#include "support/http_test_server.h"
#include "support/pg_shards_fixture.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;

constexpr auto kDeadline = std::chrono::seconds(60);

class PgShardsPushTest : public PgShardsFixture {
 protected:
  void SetUp() override {
    gateway_ = std::make_unique<HttpTestServer>();
    PgShardsFixture::SetUp();
  }
  std::vector<std::pair<std::string, std::string>> ShardTestOptions() const override {
    return {{"push_gateway_url", gateway_->Url()},
            {"push_timeout_ms", "2000"},
            {"push_backoff_base_ms", "20"},
            {"push_backoff_max_ms", "200"},
            {"push_coalesce_ms", "0"},
            {"presence_min_interval_ms", "0"}};
  }

  // Logs `user` in on "phone", registers `token` for it, applies `settings` (push_settings) if
  // any, and leaves: the user is then offline with a push target.
  void OfflineWithToken(const std::string& user, const std::string& token,
                        const json& settings = json()) {
    auto phone = Login(user, "phone");
    auto r = phone->Request(Op::kPushRegister, 0, {{"platform", "fcm"}, {"token", token}});
    ASSERT_TRUE(r.ok()) << r.Describe();
    if (!settings.is_null()) {
      auto s = phone->Request(Op::kPushSettings, 0, settings);
      ASSERT_TRUE(s.ok()) << s.Describe();
    }
    phone->Disconnect();
  }

  // Waits until `watcher`'s broker sees `user` offline (`watcher` watches the user's presence
  // from its first call on).
  void WaitOffline(ChatTestClient& watcher, const std::string& user) {
    if (watching_.insert(&watcher).second) {
      ASSERT_EQ(watcher.mqtt().Subscribe(protocol::PresenceTopic(user)), 1);
    }
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto msg = watcher.mqtt().WaitMessage(left, protocol::PresenceTopic(user));
      ASSERT_TRUE(msg.has_value()) << user << " offline";
      auto p = protocol::DecodePresence(msg->payload);
      if (p.ok() && !p->online) return;
    }
    FAIL() << user << " never went offline";
  }

  // Notifications the gateway got for `token`; with `ok_only`, only those it accepted.
  std::vector<json> Notifications(const std::string& token, bool ok_only = true) const {
    return GatewayNotifications(*gateway_, token, ok_only);
  }
  std::vector<json> NotificationsIn(const std::string& token, int64_t conv) const {
    std::vector<json> out;
    for (const json& n : Notifications(token)) {
      if (n.value("room_id", "") == std::to_string(conv)) out.push_back(n);
    }
    return out;
  }

  // Groups of `owner` with `members`, made until there is one on each shard; the first of each
  // shard, in shard order.
  std::vector<int64_t> GroupOnEachShard(ChatTestClient& owner,
                                        const std::vector<std::string>& members) {
    std::map<int, int64_t> first;
    for (int i = 0; i < 60 && first.size() < kPgShards; ++i) {
      const int64_t conv = owner.CreateGroup("g" + std::to_string(i), members);
      EXPECT_GT(conv, 0);
      first.emplace(ShardOf(conv), conv);
    }
    std::vector<int64_t> out;
    for (const auto& [shard, conv] : first) {
      EXPECT_GE(shard, 0) << "a new group goes to a shard";
      out.push_back(conv);
    }
    EXPECT_EQ(out.size(), static_cast<size_t>(kPgShards)) << "a group on every shard";
    return out;
  }

  // Pending push jobs of conversation `conv` on its shard.
  int64_t PendingJobsOn(int64_t conv) {
    return QueryPgInt(shard_dsn_[static_cast<size_t>(ShardOf(conv))],
                      "SELECT count(*) FROM push_jobs WHERE state = 'pending' AND "
                      "conversation_id = " +
                          std::to_string(conv));
  }

  std::unique_ptr<HttpTestServer> gateway_;
  std::set<const ChatTestClient*> watching_;
};

TEST_P(PgShardsPushTest, EveryShardsConversationsArePushedWithThePreviewRule) {
  MQCHAT_REQUIRE_SERVER();
  const std::vector<std::string> peers = RegisterAliceAndPeers("p", 12);
  for (size_t i = 0; i < peers.size(); ++i) {
    // p0 turned previews off: its notification carries no text.
    OfflineWithToken(peers[i], "tok-" + peers[i], i == 0 ? json{{"preview", false}} : json());
  }
  auto alice = Login("alice");
  std::map<std::string, int64_t> conv_with;
  std::set<int> shards;
  for (const std::string& peer : peers) {
    const int64_t conv = alice->OpenDirect(peer);
    ASSERT_GT(conv, 0);
    conv_with[peer] = conv;
    shards.insert(ShardOf(conv));
    ASSERT_TRUE(alice->Send(conv, "hello " + peer, "h-" + peer).ok());
  }
  ASSERT_EQ(shards, (std::set<int>{0, 1, 2})) << "12 conversations on 3 shards";

  for (const std::string& peer : peers) {
    const std::string token = "tok-" + peer;
    ASSERT_TRUE(WaitFor([&] { return !Notifications(token).empty(); }, kDeadline,
                        "the notification to " + peer));
    const auto sent = Notifications(token);
    ASSERT_EQ(sent.size(), 1u) << peer;
    EXPECT_EQ(sent[0]["room_id"], std::to_string(conv_with[peer])) << peer;
    EXPECT_EQ(sent[0]["counts"]["unread"], 1) << peer;
    EXPECT_EQ(sent[0]["counts"]["messages"], 1) << peer;
    if (peer == peers[0]) {
      EXPECT_FALSE(sent[0].contains("content")) << "previews off: " << sent[0].dump();
    } else {
      EXPECT_EQ(sent[0]["content"]["body"], "hello " + peer) << sent[0].dump();
    }
  }
}

// A mute is kept where its conversation is: the conversation list shows it, a message there is
// not pushed, a mention still is, unless mention_push is off.
TEST_P(PgShardsPushTest, AMuteOnAShardSilencesItsConversationButNotAMention) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "carol"});
  OfflineWithToken("carol", "tok-c");
  auto alice = Login("alice");
  const std::vector<int64_t> groups = GroupOnEachShard(*alice, {"carol"});
  ASSERT_EQ(groups.size(), 3u);
  const int64_t muted = groups[1];
  {
    auto laptop = Login("carol", "laptop");
    auto r = laptop->Request(Op::kMute, muted, {{"until_ms", -1}});
    ASSERT_TRUE(r.ok()) << r.Describe();
    auto listed = laptop->Request(Op::kConversations, 0, json::object());
    ASSERT_TRUE(listed.ok()) << listed.Describe();
    std::map<int64_t, int64_t> mute_of;
    for (const auto& c : (*listed.body)["conversations"]) {
      mute_of[JsonId(c["conversation_id"])] = c["muted_until_ms"].get<int64_t>();
    }
    EXPECT_EQ(mute_of[muted], -1) << "the list shows the mute";
    EXPECT_EQ(mute_of[groups[0]], 0);
    laptop->Disconnect();
  }
  WaitOffline(*alice, "carol");

  // The muted group's message records no job; the next group's is pushed.
  ASSERT_TRUE(alice->Send(muted, "quiet", "q1").ok());
  ASSERT_TRUE(alice->Send(groups[2], "loud", "l1").ok());
  ASSERT_TRUE(WaitFor([&] { return !NotificationsIn("tok-c", groups[2]).empty(); }, kDeadline,
                      "the unmuted group's notification"));
  EXPECT_EQ(RowsOn(ShardOf(muted), "push_jobs", muted), 0) << "no job for the muted group";
  EXPECT_TRUE(NotificationsIn("tok-c", muted).empty());
  // The badge leaves the muted group out: the loud group's one message.
  EXPECT_EQ(NotificationsIn("tok-c", groups[2])[0]["counts"]["unread"], 1);

  // A mention passes the mute.
  auto mention =
      alice->Request(Op::kSend, muted,
                     {{"client_msg_id", "m1"}, {"text", "@carol look"}, {"mentions", {"carol"}}});
  ASSERT_TRUE(mention.ok()) << mention.Describe();
  ASSERT_TRUE(WaitFor([&] { return !NotificationsIn("tok-c", muted).empty(); }, kDeadline,
                      "the mention's notification"));
  EXPECT_EQ(NotificationsIn("tok-c", muted)[0]["mention"], true);
  EXPECT_EQ(NotificationsIn("tok-c", muted)[0]["content"]["body"], "@carol look");

  // mention_push off: a mention in the muted group is not pushed either.
  {
    auto phone = Login("carol", "phone");
    auto r = phone->Request(Op::kPushSettings, 0, {{"mention_push", false}});
    ASSERT_TRUE(r.ok()) << r.Describe();
    phone->Disconnect();
  }
  WaitOffline(*alice, "carol");
  auto again =
      alice->Request(Op::kSend, muted,
                     {{"client_msg_id", "m2"}, {"text", "@carol again"}, {"mentions", {"carol"}}});
  ASSERT_TRUE(again.ok()) << again.Describe();
  ASSERT_TRUE(alice->Send(groups[0], "loud too", "l2").ok());
  ASSERT_TRUE(WaitFor([&] { return !NotificationsIn("tok-c", groups[0]).empty(); }, kDeadline,
                      "the other group's notification"));
  ASSERT_TRUE(WaitFor([&] { return PendingJobsOn(muted) == 0; }, kDeadline,
                      "no job of the muted group left pending"));
  EXPECT_EQ(NotificationsIn("tok-c", muted).size(), 1u) << "only the first mention";
}

// The badge is carol's unread over every shard, in every notification, including those of jobs
// that were pending when the broker was SIGKILLed (delivered once each after the restart); a
// read and a mute on another device send the new total.
TEST_P(PgShardsPushTest, BadgeSumsEveryShardAndPendingJobsSurviveSigkill) {
  MQCHAT_REQUIRE_SERVER();
  gateway_->RespondWith(503);  // every attempt fails (retryably) until the restart
  Register({"alice", "carol"});
  OfflineWithToken("carol", "tok-c");
  auto alice = Login("alice");
  const std::vector<int64_t> groups = GroupOnEachShard(*alice, {"carol"});
  ASSERT_EQ(groups.size(), 3u);
  for (size_t i = 0; i < groups.size(); ++i) {
    ASSERT_TRUE(alice->Send(groups[i], "before the crash", "k" + std::to_string(i)).ok());
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        std::set<std::string> tried;
        for (const auto& n : Notifications("tok-c", false)) {
          tried.insert(n["room_id"].get<std::string>());
        }
        return tried.size() == groups.size();
      },
      kDeadline, "a failed attempt per job"));
  alice.reset();
  server_->broker().Kill();
  for (int64_t conv : groups) EXPECT_EQ(PendingJobsOn(conv), 1) << conv;

  gateway_->RespondWith(200);
  ASSERT_TRUE(server_->broker().Start());
  ASSERT_TRUE(WaitFor(
      [&] {
        for (int64_t conv : groups) {
          if (NotificationsIn("tok-c", conv).empty() || PendingJobsOn(conv) != 0) return false;
        }
        return true;
      },
      kDeadline, "every job delivered after the restart"));
  for (int64_t conv : groups) {
    const auto sent = NotificationsIn("tok-c", conv);
    ASSERT_EQ(sent.size(), 1u) << conv;
    EXPECT_EQ(sent[0]["counts"]["unread"], 3) << "the total over the shards: " << sent[0].dump();
    EXPECT_EQ(sent[0]["counts"]["messages"], 1);
  }

  // carol reads one group and mutes another on her laptop: her phone's badge follows.
  const size_t before = Notifications("tok-c").size();
  auto laptop = Login("carol", "laptop");
  auto read = laptop->Request(Op::kRead, groups[0], {{"seq", 1}});
  ASSERT_TRUE(read.ok()) << read.Describe();
  ASSERT_TRUE(WaitFor([&] { return Notifications("tok-c").size() >= before + 1; }, kDeadline,
                      "the counts-only notification of the read"));
  EXPECT_EQ(Notifications("tok-c").back()["counts"]["unread"], 2);
  auto mute = laptop->Request(Op::kMute, groups[2], {{"until_ms", -1}});
  ASSERT_TRUE(mute.ok()) << mute.Describe();
  ASSERT_TRUE(WaitFor([&] { return Notifications("tok-c").size() >= before + 2; }, kDeadline,
                      "the counts-only notification of the mute"));
  EXPECT_EQ(Notifications("tok-c").back()["counts"]["unread"], 1);
}

// A shard that is down holds back only its own conversations' pushes: the other shards' are
// delivered meanwhile (the badge leaving out the down shard's unread), and a job pending on it
// is delivered once it is back.
TEST_P(PgShardsPushTest, AKilledShardHoldsBackOnlyItsOwnPushes) {
  MQCHAT_REQUIRE_SERVER();
  gateway_->RespondWith(503);
  Register({"alice", "carol"});
  OfflineWithToken("carol", "tok-c");
  auto alice = Login("alice");
  const std::vector<int64_t> groups = GroupOnEachShard(*alice, {"carol"});
  ASSERT_EQ(groups.size(), 3u);
  ASSERT_EQ(ShardOf(groups[0]), 0);
  ASSERT_TRUE(alice->Send(groups[0], "held", "h0").ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const auto& n : Notifications("tok-c", false)) {
          if (n["room_id"] == std::to_string(groups[0])) return true;
        }
        return false;
      },
      kDeadline, "a failed attempt of shard 0's job"));

  ASSERT_TRUE(PgShardClusters()[0]->Kill().ok());
  gateway_->RespondWith(200);
  ASSERT_TRUE(alice->Send(groups[1], "on shard 1", "s1").ok());
  ASSERT_TRUE(alice->Send(groups[2], "on shard 2", "s2").ok());
  ASSERT_TRUE(WaitFor(
      [&] {
        return !NotificationsIn("tok-c", groups[1]).empty() &&
               !NotificationsIn("tok-c", groups[2]).empty();
      },
      kDeadline, "the live shards' notifications"));
  EXPECT_TRUE(NotificationsIn("tok-c", groups[0]).empty()) << "its shard is down";
  for (int64_t conv : {groups[1], groups[2]}) {
    EXPECT_LE(NotificationsIn("tok-c", conv)[0]["counts"]["unread"], 2)
        << "the down shard's unread is left out";
  }

  ASSERT_TRUE(PgShardClusters()[0]->Start().ok());
  ASSERT_TRUE(WaitFor([&] { return !NotificationsIn("tok-c", groups[0]).empty(); }, kDeadline,
                      "shard 0's job delivered once it is back"));
  ASSERT_TRUE(
      WaitFor([&] { return PendingJobsOn(groups[0]) == 0; }, kDeadline, "shard 0's job finished"));
  const auto sent = NotificationsIn("tok-c", groups[0]);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["counts"]["unread"], 3) << "every shard's unread again";
  EXPECT_EQ(sent[0]["content"]["body"], "held");
}

INSTANTIATE_TEST_SUITE_P(Stores, PgShardsPushTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
