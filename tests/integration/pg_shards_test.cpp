// Sharding by conversation (issue 26): one broker on a global PostgreSQL (the shared cluster)
// and three PostgreSQL shards, each a cluster of its own on loopback (plugin_opt_pg_shards).
// Conversations spread over the shards; the per-user views merge them; a shard SIGKILLed fails
// only its own conversations, retryably, and loses nothing acknowledged.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "protocol/ops.h"
#include "store/pg/pg_handles.h"
#include "store/shard_map.h"
#include "store/shard_move.h"
#include "support/chat_fixture.h"
#include "support/postgres_instance.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr int kShards = 3;

// The shards' clusters, shared by the suite's tests (each test takes fresh databases).
std::array<std::unique_ptr<PostgresInstance>, kShards>& ShardClusters() {
  static std::array<std::unique_ptr<PostgresInstance>, kShards> clusters;
  return clusters;
}

// A one-cell query's value (-1 and a test failure if it fails).
int64_t QueryInt(const std::string& conninfo, const std::string& sql) {
  auto conn = store::ConnectPg(conninfo);
  EXPECT_TRUE(conn.ok()) << conn.status().ToString();
  if (!conn.ok()) return -1;
  auto res = store::ExecPgSql(conn->get(), sql.c_str());
  EXPECT_TRUE(res.ok()) << res.status().ToString();
  if (!res.ok()) return -1;
  auto value = store::PgInt64(res->get(), 0, 0);
  return value.ok() ? *value : -1;
}

class PgShardsTest : public ChatFixture {
 protected:
  void SetUp() override {
    MQCHAT_SHARED_POSTGRES_OR_SKIP(shared);
    if (shared->external()) GTEST_SKIP() << "the shards need clusters of their own";
    auto& clusters = ShardClusters();
    std::string list;
    for (int i = 0; i < kShards; ++i) {
      if (clusters[i] == nullptr) {
        auto created = PostgresInstance::Create();
        ASSERT_TRUE(created.ok()) << created.status().ToString();
        clusters[i] = std::move(created).value();
      }
      ASSERT_TRUE(clusters[i]->Start().ok());  // a previous test may have killed it
      auto db = clusters[i]->FreshDatabase();
      ASSERT_TRUE(db.ok()) << db.status().ToString();
      shard_dsn_[i] = *db;
      list += (i == 0 ? "" : "; ") + *db;
    }
    shards_option_ = list;
    ChatFixture::SetUp();
  }

  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"pg_shards", shards_option_}};
  }

  // The shard the directory names for `conv` (-1: none, the global database).
  int ShardOf(int64_t conv) {
    const std::string sql =
        "SELECT COALESCE((SELECT shard FROM conversation_shards WHERE "
        "conversation_id = " +
        std::to_string(conv) + "), -1)";
    return static_cast<int>(QueryInt(server_->store_config().pg_conninfo, sql));
  }

  int64_t ConversationsOn(int shard) {
    return QueryInt(shard_dsn_[shard], "SELECT count(*) FROM conversations");
  }

  // Registers alice and `count` peers named `prefix`0, `prefix`1, ...; returns the peers.
  std::vector<std::string> RegisterAliceAndPeers(const std::string& prefix, int count) {
    std::vector<std::string> peers;
    for (int i = 0; i < count; ++i) peers.push_back(prefix + std::to_string(i));
    std::vector<std::string> everyone = peers;
    everyone.push_back("alice");
    Register(everyone);
    return peers;
  }

  std::array<std::string, kShards> shard_dsn_;
  std::string shards_option_;
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

  ASSERT_TRUE(ShardClusters()[0]->Kill().ok());
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

  ASSERT_TRUE(ShardClusters()[0]->Start().ok());
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

TEST_P(PgShardsTest, MovingAConversationWhileItsSenderSendsLosesAndReordersNothing) {
  MQCHAT_REQUIRE_SERVER();
  Register({"alice", "bob"});
  auto alice = Login("alice");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);
  const int from = ShardOf(conv);
  ASSERT_GE(from, 0);
  const int to = (from + 1) % kShards;
  int64_t next = 0;
  // Sends the next message until it is acknowledged (the same client_msg_id each try).
  auto send_next = [&] {
    const std::string id = "mv-" + std::to_string(next);
    ChatResponse r;
    EXPECT_TRUE(WaitFor(
        [&] {
          r = alice->Send(conv, "move " + id, id);
          EXPECT_TRUE(r.ok() || r.error_code() == "UNAVAILABLE") << r.Describe();
          return r.ok() || r.error_code() != "UNAVAILABLE";
        },
        std::chrono::seconds(30), "an ack"));
    ASSERT_TRUE(r.ok()) << r.Describe();
    EXPECT_EQ((*r.body)["seq"], next + 1) << "acked out of order";
    ++next;
  };
  for (int i = 0; i < 100; ++i) send_next();
  // The move runs as mqchatctl's `conversation move` does (store/shard_move.h), beside the
  // sender.
  store::StoreConfig config;
  config.backend = store::Backend::kPostgres;
  config.pg_conninfo = server_->store_config().pg_conninfo;
  auto shards = store::ParseShardList(shards_option_);
  ASSERT_TRUE(shards.ok()) << shards.status().ToString();
  config.pg_shards = *shards;
  std::atomic<bool> moved{false};
  Result<store::ShardMove> result = Status::Internal("not run");
  std::thread mover([&] {
    result = store::MoveConversation(config, conv, to);
    moved = true;
  });
  int64_t during = 0;
  while (!moved) {
    send_next();
    ++during;
    if (HasFatalFailure()) break;
  }
  mover.join();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  std::printf(
      "moved %lld rows (last seq %lld) with %lld sends during the move; sends waited "
      "%lld ms\n",
      static_cast<long long>(result->rows), static_cast<long long>(result->last_seq),
      static_cast<long long>(during), static_cast<long long>(result->locked_ms));
  for (int i = 0; i < 50; ++i) send_next();
  EXPECT_EQ(ShardOf(conv), to);
  EXPECT_EQ(QueryInt(shard_dsn_[from], "SELECT count(*) FROM messages WHERE conversation_id = " +
                                           std::to_string(conv)),
            0);
  EXPECT_EQ(QueryInt(shard_dsn_[to], "SELECT count(*) FROM messages WHERE conversation_id = " +
                                         std::to_string(conv)),
            next);
  // bob reads it all from the new shard: every acked message once, in order.
  auto bob = Login("bob");
  std::vector<nlohmann::json> all;
  int64_t after = 0;
  while (true) {
    auto page = bob->Request(protocol::Op::kHistory, conv, {{"after_seq", after}, {"limit", 100}});
    ASSERT_TRUE(page.ok()) << page.Describe();
    const auto& messages = (*page.body)["messages"];
    if (messages.empty()) break;
    for (const auto& m : messages) all.push_back(m);
    after = messages.back()["seq"].get<int64_t>();
  }
  ASSERT_EQ(static_cast<int64_t>(all.size()), next);
  for (int64_t i = 0; i < next; ++i) {
    EXPECT_EQ(all[i]["seq"], i + 1);
    EXPECT_EQ(all[i]["client_msg_id"], "mv-" + std::to_string(i));
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, PgShardsTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
