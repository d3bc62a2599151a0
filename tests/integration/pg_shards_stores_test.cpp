// The stores beside the chat store on a sharded PostgreSQL store (issue 26): search and
// retention each work on the shard that holds the conversation; a user's search covers the
// conversations of every shard (and those of the live shards while one is down), and the
// retention sweeper walks every shard. One broker on the global database and three shards
// (support/pg_shards_fixture.h).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "support/pg_shards_fixture.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using nlohmann::json;
using protocol::Op;

constexpr auto kDeadline = std::chrono::seconds(60);

class PgShardsSearchTest : public PgShardsFixture {
 protected:
  // The results of `body`'s search once there are `count` (a test failure at the deadline).
  static json SearchUntilCount(ChatTestClient& c, const json& body, size_t count) {
    json last = json::array();
    EXPECT_TRUE(WaitFor(
        [&] {
          auto r = c.Request(Op::kSearch, 0, body);
          last = r.ok() ? (*r.body)["results"] : json::array();
          return last.size() == count;
        },
        kDeadline, "search " + body.dump() + " to find " + std::to_string(count)));
    return last;
  }
};

TEST_P(PgShardsSearchTest, AUsersSearchFindsTheMessagesOfEveryShard) {
  MQCHAT_REQUIRE_SERVER();
  const std::vector<std::string> peers = RegisterAliceAndPeers("s", 12);
  auto alice = Login("alice");
  std::map<int64_t, int> shard_of;  // conversation -> shard
  std::map<std::string, int64_t> conv_with;
  for (const std::string& peer : peers) {
    const int64_t conv = alice->OpenDirect(peer);
    ASSERT_GT(conv, 0);
    conv_with[peer] = conv;
    shard_of[conv] = ShardOf(conv);
    ASSERT_TRUE(alice->Send(conv, "the giraffe of " + peer, "g-" + peer).ok());
    ASSERT_TRUE(alice->Send(conv, "nothing to see", "n-" + peer).ok());
  }
  std::set<int> shards;
  for (const auto& entry : shard_of) shards.insert(entry.second);
  ASSERT_EQ(shards, (std::set<int>{0, 1, 2})) << "12 conversations on 3 shards";

  // alice's search: every conversation on every shard, newest first, each message once.
  json found = SearchUntilCount(*alice, {{"query", "giraffe"}, {"limit", 50}}, peers.size());
  ASSERT_EQ(found.size(), peers.size());
  std::set<int64_t> convs;
  std::set<int> on;
  for (size_t i = 0; i < found.size(); ++i) {
    const int64_t conv = JsonId(found[i]["conversation"]["conversation_id"]);
    convs.insert(conv);
    on.insert(shard_of[conv]);
    if (i > 0) {
      EXPECT_GT(JsonId(found[i - 1]["message"]["message_id"]),
                JsonId(found[i]["message"]["message_id"]))
          << "not newest first";
    }
  }
  EXPECT_EQ(convs.size(), peers.size());
  EXPECT_EQ(on, shards);
  EXPECT_EQ(found[0]["message"]["text"], "the giraffe of " + peers.back());

  // Paging across the shards: pages of 5 give the same 12, each once.
  std::vector<std::string> paged;
  json body = {{"query", "giraffe"}, {"limit", 5}};
  for (int page = 0; page < 5; ++page) {
    auto r = alice->Request(Op::kSearch, 0, body);
    ASSERT_TRUE(r.ok()) << r.Describe();
    for (const auto& hit : (*r.body)["results"]) paged.push_back(hit["message"]["text"]);
    if (!(*r.body)["has_more"].get<bool>()) break;
    body["cursor"] = (*r.body)["next_cursor"];
  }
  std::vector<std::string> all;
  for (const auto& hit : found) all.push_back(hit["message"]["text"]);
  EXPECT_EQ(paged, all);

  // A member sees only their own conversation's; one conversation's search goes to its shard.
  auto s3 = Login("s3");
  found = SearchUntilCount(*s3, {{"query", "giraffe"}}, 1);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["message"]["text"], "the giraffe of s3");
  const int64_t other = conv_with["s0"];
  found = SearchUntilCount(*alice,
                           {{"query", "giraffe"}, {"conversation_id", std::to_string(other)}}, 1);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["message"]["text"], "the giraffe of s0");
  auto outsider = s3->Request(Op::kSearch, 0,
                              {{"query", "giraffe"}, {"conversation_id", std::to_string(other)}});
  EXPECT_FALSE(outsider.ok()) << "s3 searched a conversation it is not in: " << outsider.Describe();

  // Shard 0 SIGKILLed: the others' conversations are still found.
  ASSERT_TRUE(PgShardClusters()[0]->Kill().ok());
  size_t alive = 0;
  for (const auto& entry : shard_of) alive += entry.second != 0 ? 1 : 0;
  found = SearchUntilCount(*alice, {{"query", "giraffe"}, {"limit", 50}}, alive);
  for (const auto& hit : found) {
    EXPECT_NE(shard_of[JsonId(hit["conversation"]["conversation_id"])], 0) << hit.dump();
  }
  ASSERT_TRUE(PgShardClusters()[0]->Start().ok());
  SearchUntilCount(*alice, {{"query", "giraffe"}, {"limit", 50}}, peers.size());
}

// Retention on the shards: a retention "day" shortened by plugin_opt_retention_day_ms.
class PgShardsRetentionTest : public PgShardsFixture {
 protected:
  std::vector<std::pair<std::string, std::string>> ShardTestOptions() const override {
    return {{"retention_day_ms", "1500"},
            {"retention_sweep_ms", "20"},
            {"send_rate_per_s", "0"},
            {"fanout_per_s", "0"}};
  }
};

TEST_P(PgShardsRetentionTest, AGroupsRetentionIsSetAndSweptOnItsShard) {
  MQCHAT_REQUIRE_SERVER();
  const std::vector<std::string> peers = RegisterAliceAndPeers("r", 2);
  auto alice = Login("alice");
  std::set<int> shards;
  const std::vector<int64_t> groups = CreateGroups(*alice, 9, peers, &shards);
  EXPECT_GE(shards.size(), 2u) << "9 groups on 3 shards";
  EXPECT_EQ(shards.count(-1), 0u) << "a group in the global database";
  // The first six keep their messages one (short) day; the others follow the default (forever).
  for (size_t g = 0; g < 6; ++g) {
    auto set = alice->Request(Op::kSetRetention, 0,
                              {{"conversation_id", std::to_string(groups[g])}, {"days", 1}});
    ASSERT_TRUE(set.ok()) << "group on shard " << ShardOf(groups[g]) << ": " << set.Describe();
    EXPECT_EQ((*set.body)["retention_days"], 1);
  }
  auto outsider = Login("r0")->Request(
      Op::kSetRetention, 0, {{"conversation_id", std::to_string(groups[0])}, {"days", 2}});
  EXPECT_EQ(outsider.error_code(), "FORBIDDEN") << "a member who is not an admin";
  for (int64_t group : groups) {
    for (int m = 1; m <= 3; ++m) {
      const std::string id = std::to_string(group) + "-" + std::to_string(m);
      ASSERT_TRUE(alice->Send(group, "r " + id, id).ok());
    }
  }
  // The sweeper removes the six groups' messages on their shards, and only theirs.
  for (size_t g = 0; g < groups.size(); ++g) {
    const bool expires = g < 6;
    json page;
    EXPECT_TRUE(WaitFor(
        [&] {
          auto r = alice->Request(Op::kHistory, groups[g], {{"limit", 100}});
          page = r.ok() ? *r.body : json::object();
          // A page reads its messages before its watermark (read_ops.cpp), so one read while
          // the sweep runs may carry a message and the watermark past it: wait for both.
          return !expires || (page.value("expired_through_seq", int64_t{0}) == 3 &&
                              page.value("messages", json::array()).empty());
        },
        kDeadline, "group " + std::to_string(g) + "'s messages to expire"));
    EXPECT_EQ(page["messages"].size(), expires ? 0u : 3u) << "group " << g;
    EXPECT_EQ(RowsOn(ShardOf(groups[g]), "messages", groups[g]), expires ? 0 : 3) << g;
    // The shard's search index keeps nothing of the expired messages (the sweep's transaction
    // deletes their entries; an indexer behind skips them), and the others' are indexed.
    const int shard = ShardOf(groups[g]);
    if (expires) {
      EXPECT_EQ(RowsOn(shard, "search_docs", groups[g]), 0) << g;
      EXPECT_EQ(RowsOn(shard, "search_postings", groups[g]), 0) << g;
    } else {
      EXPECT_TRUE(WaitFor([&] { return RowsOn(shard, "search_docs", groups[g]) == 3; }, kDeadline,
                          "group " + std::to_string(g) + "'s messages indexed"));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, PgShardsSearchTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);
INSTANTIATE_TEST_SUITE_P(Stores, PgShardsRetentionTest, ::testing::Values(StoreKind::kPostgres),
                         StoreParamName);

}  // namespace
}  // namespace mqchat::test
