// Sharding by conversation (issue 26): one broker on a global PostgreSQL (the shared cluster)
// and three PostgreSQL shards, each a cluster of its own on loopback (plugin_opt_pg_shards).
// Conversations spread over the shards; the per-user views merge them; a shard SIGKILLed fails
// only its own conversations, retryably, and loses nothing acknowledged.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "protocol/ops.h"
#include "support/ctl_command.h"
#include "support/pg_shards_fixture.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr int kShards = kPgShards;

class PgShardsTest : public PgShardsFixture {
 protected:
  int64_t ConversationsOn(int shard) {
    return QueryPgInt(shard_dsn_[shard], "SELECT count(*) FROM conversations");
  }
};

TEST_P(PgShardsTest, ConversationsSpreadAndEveryViewMergesTheShards) {
  MQCHAT_REQUIRE_SERVER();
  const std::vector<std::string> peers = RegisterAliceAndPeers("peer", 20);
  auto alice = Login("alice");
  std::vector<int64_t> convs;
  for (const std::string& peer : peers) convs.push_back(alice->OpenDirect(peer));
  for (int g = 0; g < 10; ++g) {
    convs.push_back(alice->CreateGroup("group " + std::to_string(g), {peers[g], peers[g + 1]}));
  }
  std::array<int, kShards> placed{};
  for (int64_t conv : convs) {
    ASSERT_GT(conv, 0);
    const int shard = ShardOf(conv);
    ASSERT_GE(shard, 0) << "conversation " << conv << " is not on a shard";
    ++placed[shard];
  }
  for (int i = 0; i < kShards; ++i) {
    EXPECT_GT(placed[i], 0) << "shard " << i << " got no conversation";
    EXPECT_EQ(ConversationsOn(i), placed[i]) << "the directory and shard " << i << " differ";
  }
  // peer1 is in its direct and groups 0 and 1: every one of them gets messages from alice.
  std::set<int64_t> of_peer1 = {convs[1], convs[20], convs[21]};
  int64_t sent = 0;
  for (int64_t conv : convs) {
    for (int m = 0; m < 3; ++m) {
      auto r = alice->Send(conv, "m" + std::to_string(m),
                           std::to_string(conv) + "-" + std::to_string(m));
      ASSERT_TRUE(r.ok()) << r.Describe();
      EXPECT_EQ((*r.body)["seq"], m + 1);
      ++sent;
    }
  }
  // The conversation list: every conversation of every shard, most recent first, with unread.
  auto peer1 = Login("peer1");
  auto listed = peer1->Request(protocol::Op::kConversations, 0, nlohmann::json::object());
  ASSERT_TRUE(listed.ok()) << listed.Describe();
  std::set<int64_t> seen;
  int64_t unread_total = 0;
  for (const auto& c : (*listed.body)["conversations"]) {
    seen.insert(JsonId(c["conversation_id"]));
    unread_total += c["unread"].get<int64_t>();
  }
  EXPECT_EQ(seen, of_peer1);
  EXPECT_EQ(unread_total, 9) << "three unread messages in each of peer1's conversations";
  EXPECT_EQ(JsonId((*listed.body)["conversations"][0]["conversation_id"]), convs[21])
      << "the group alice wrote in last comes first";
  auto all = alice->Request(protocol::Op::kConversations, 0, nlohmann::json::object());
  ASSERT_TRUE(all.ok()) << all.Describe();
  EXPECT_EQ((*all.body)["conversations"].size(), convs.size());
  // Sync: every message of every shard, once.
  auto synced = peer1->Request(protocol::Op::kSync, 0,
                               {{"cursors", nlohmann::json::object()}, {"limit", 50}});
  ASSERT_TRUE(synced.ok()) << synced.Describe();
  size_t messages = 0;
  for (const auto& c : (*synced.body)["conversations"]) {
    EXPECT_TRUE(of_peer1.count(JsonId(c["conversation_id"]))) << c.dump();
    messages += c["messages"].size();
  }
  EXPECT_EQ(messages, 9u);
  // History and read state, per conversation, on its own shard.
  for (int64_t conv : of_peer1) {
    auto history = peer1->Request(protocol::Op::kHistory, conv, nlohmann::json::object());
    ASSERT_TRUE(history.ok()) << history.Describe();
    ASSERT_EQ((*history.body)["messages"].size(), 3u);
    EXPECT_EQ((*history.body)["messages"][2]["text"], "m2");
    auto read = peer1->Request(protocol::Op::kRead, conv, {{"seq", 3}});
    EXPECT_TRUE(read.ok()) << read.Describe();
  }
  auto after = peer1->Request(protocol::Op::kConversations, 0, nlohmann::json::object());
  ASSERT_TRUE(after.ok()) << after.Describe();
  for (const auto& c : (*after.body)["conversations"]) EXPECT_EQ(c["unread"], 0) << c.dump();
  EXPECT_EQ(sent, static_cast<int64_t>(convs.size()) * 3);
}

TEST_P(PgShardsTest, AKilledShardFailsOnlyItsConversationsAndLosesNothingAcked) {
  MQCHAT_REQUIRE_SERVER();
  const std::vector<std::string> peers = RegisterAliceAndPeers("p", 12);
  auto alice = Login("alice");
  std::map<int, std::vector<int64_t>> by_shard;
  for (const std::string& peer : peers) {
    const int64_t conv = alice->OpenDirect(peer);
    ASSERT_GT(conv, 0);
    by_shard[ShardOf(conv)].push_back(conv);
  }
  ASSERT_EQ(by_shard.size(), static_cast<size_t>(kShards)) << "12 conversations on 3 shards";
  std::map<int64_t, int64_t> acked;  // conversation -> messages acknowledged
  auto send = [&](int64_t conv) {
    const std::string id = "k" + std::to_string(conv) + "-" + std::to_string(acked[conv]);
    return alice->Send(conv, "message " + id, id);
  };
  for (const auto& [shard, convs] : by_shard) {
    for (int64_t conv : convs) {
      ASSERT_TRUE(send(conv).ok());
      ++acked[conv];
    }
  }

  ASSERT_TRUE(PgShardClusters()[0]->Kill().ok());
  const int64_t dead = by_shard[0].front();
  auto down = send(dead);
  ASSERT_TRUE(down.body.has_value()) << "no answer while the shard is down";
  EXPECT_EQ(down.error_code(), "UNAVAILABLE") << down.Describe();
  EXPECT_EQ((*down.body)["error"]["retryable"], true) << down.Describe();
  // The other shards go on: not one failed send.
  for (int round = 0; round < 5; ++round) {
    for (int shard = 1; shard < kShards; ++shard) {
      for (int64_t conv : by_shard[shard]) {
        auto r = send(conv);
        ASSERT_TRUE(r.ok()) << "shard " << shard << ": " << r.Describe();
        ++acked[conv];
      }
    }
  }
  auto history = alice->Request(protocol::Op::kHistory, by_shard[1].front(), {});
  EXPECT_TRUE(history.ok()) << history.Describe();
  auto listed = alice->Request(protocol::Op::kConversations, 0, nlohmann::json::object());
  ASSERT_TRUE(listed.ok()) << listed.Describe();
  EXPECT_EQ((*listed.body)["conversations"].size(), by_shard[1].size() + by_shard[2].size())
      << "the live shards' conversations are listed";

  ASSERT_TRUE(PgShardClusters()[0]->Start().ok());
  ChatResponse later;
  ASSERT_TRUE(WaitFor(
      [&] {
        later = send(dead);  // the same client_msg_id as the refused one
        EXPECT_TRUE(later.ok() || later.error_code() == "UNAVAILABLE") << later.Describe();
        return later.ok();
      },
      std::chrono::seconds(30), "a send to the shard after it returned"));
  ++acked[dead];
  // Everything acknowledged is there, in order, once.
  for (const auto& [conv, count] : acked) {
    ChatResponse page;
    ASSERT_TRUE(WaitFor(
        [&] {
          page = alice->Request(protocol::Op::kHistory, conv, {{"limit", 100}});
          return page.ok();
        },
        std::chrono::seconds(30), "history"));
    const auto& messages = (*page.body)["messages"];
    ASSERT_EQ(static_cast<int64_t>(messages.size()), count) << "conversation " << conv;
    for (int64_t i = 0; i < count; ++i) {
      EXPECT_EQ(messages[i]["seq"], i + 1);
      EXPECT_EQ(messages[i]["client_msg_id"], "k" + std::to_string(conv) + "-" + std::to_string(i));
    }
  }
}

// The conversation's messages from `after_seq` on, read page by page with `read(after)`.
std::vector<nlohmann::json> ReadAll(
    const std::function<ChatResponse(int64_t)>& read,
    const std::function<nlohmann::json(const ChatResponse&)>& page_of) {
  std::vector<nlohmann::json> all;
  int64_t after = 0;
  while (true) {
    auto r = read(after);
    EXPECT_TRUE(r.ok()) << r.Describe();
    if (!r.ok()) break;
    const nlohmann::json messages = page_of(r);
    if (messages.empty()) break;
    for (const auto& m : messages) all.push_back(m);
    after = messages.back()["seq"].get<int64_t>();
  }
  return all;
}

// Every message once, in seq order, seqs 1..count, client_msg_ids "mv-0".. in that order.
void ExpectEveryMessageOnceInOrder(const std::vector<nlohmann::json>& all, int64_t count,
                                   const std::string& what) {
  ASSERT_EQ(static_cast<int64_t>(all.size()), count) << what;
  for (int64_t i = 0; i < count; ++i) {
    EXPECT_EQ(all[i]["seq"], i + 1) << what;
    EXPECT_EQ(all[i]["client_msg_id"], "mv-" + std::to_string(i)) << what;
  }
}

// The move as operators run it: the mqchatctl binary (`conversation move`), beside a sender.
TEST_P(PgShardsTest, MovingAConversationWithMqchatctlWhileItsSenderSendsLosesAndReordersNothing) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);
  const int from = ShardOf(conv);
  ASSERT_GE(from, 0);
  const int to = (from + 1) % kShards;
  int64_t next = 0;
  // Sends the next message until it is acknowledged (the same client_msg_id each try); every
  // tenth one holds `word` (found by search on the new shard after the move).
  std::string word = "zebra";
  auto send_next = [&] {
    const std::string id = "mv-" + std::to_string(next);
    const std::string text = (next % 10 == 0 ? word + " " : "move ") + id;
    ChatResponse r;
    EXPECT_TRUE(WaitFor(
        [&] {
          r = alice->Send(conv, text, id);
          EXPECT_TRUE(r.ok() || r.error_code() == "UNAVAILABLE") << r.Describe();
          return r.ok() || r.error_code() != "UNAVAILABLE";
        },
        std::chrono::seconds(30), "an ack"));
    ASSERT_TRUE(r.ok()) << r.Describe();
    EXPECT_EQ((*r.body)["seq"], next + 1) << "acked out of order";
    ++next;
  };
  for (int i = 0; i < 100; ++i) send_next();
  std::atomic<bool> moved{false};
  RunResult ctl;
  std::thread mover([&] {
    ctl = RunCtl(*server_, {"--pg_shards", shards_option_, "conversation", "move",
                            std::to_string(conv), std::to_string(to)});
    moved = true;
  });
  int64_t during = 0;
  word = "unicorn";
  while (!moved && !HasFatalFailure()) {
    send_next();
    ++during;
  }
  mover.join();
  ASSERT_EQ(ctl.exit_code, 0) << ctl.output;
  EXPECT_NE(ctl.output.find("moved from shard " + std::to_string(from) + " to shard " +
                            std::to_string(to)),
            std::string::npos)
      << ctl.output;
  std::printf("mqchatctl: %s(%lld sends while it ran)\n", ctl.output.c_str(),
              static_cast<long long>(during));
  word = "yak";
  for (int i = 0; i < 50; ++i) send_next();
  EXPECT_EQ(ShardOf(conv), to);
  EXPECT_EQ(RowsOn(from, "messages", conv), 0);
  EXPECT_EQ(RowsOn(from, "search_docs", conv), 0);
  EXPECT_EQ(RowsOn(to, "messages", conv), next);

  // bob reads it all from the new shard, by history and by sync: every acked message once, in
  // order; his unread count is all of them.
  auto bob = Login("bob");
  const auto history = ReadAll(
      [&](int64_t after) {
        return bob->Request(protocol::Op::kHistory, conv, {{"after_seq", after}, {"limit", 100}});
      },
      [](const ChatResponse& r) { return (*r.body)["messages"]; });
  ExpectEveryMessageOnceInOrder(history, next, "history");
  const auto synced = ReadAll(
      [&](int64_t after) {
        return bob->Request(protocol::Op::kSync, 0,
                            {{"cursors", {{std::to_string(conv), after}}}, {"limit", 100}});
      },
      [&](const ChatResponse& r) {
        for (const auto& c : (*r.body)["conversations"]) {
          if (JsonId(c["conversation_id"]) == conv) return c["messages"];
        }
        return nlohmann::json::array();
      });
  ExpectEveryMessageOnceInOrder(synced, next, "sync");
  auto listed = bob->Request(protocol::Op::kConversations, 0, nlohmann::json::object());
  ASSERT_TRUE(listed.ok()) << listed.Describe();
  ASSERT_EQ((*listed.body)["conversations"].size(), 1u);
  EXPECT_EQ((*listed.body)["conversations"][0]["unread"], next);
  // The search index moved with the messages (zebra: before the move), and the messages sent
  // after it are indexed on the new shard (yak: 5 of the last 50).
  for (const auto& want : {std::pair<std::string, size_t>{"zebra", 10}, {"yak", 5}}) {
    const std::string term = want.first;
    const size_t count = want.second;
    nlohmann::json found;
    EXPECT_TRUE(WaitFor(
        [&] {
          auto r = bob->Request(protocol::Op::kSearch, 0, {{"query", term}, {"limit", 50}});
          found = r.ok() ? (*r.body)["results"] : nlohmann::json::array();
          return found.size() == count;
        },
        std::chrono::seconds(60), "search to find every " + term + " after the move"));
    EXPECT_EQ(found.size(), count) << term;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, PgShardsTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
