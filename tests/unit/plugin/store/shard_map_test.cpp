#include "store/shard_map.h"

#include <gtest/gtest.h>

#include <array>

namespace mqchat::store {
namespace {

TEST(ShardMapTest, ParsesConninfosWithOptionalWeights) {
  auto shards = ParseShardList(" host=a dbname=x ;weight=3 postgresql://b/y; weight=0 host=c");
  ASSERT_TRUE(shards.ok()) << shards.status().ToString();
  ASSERT_EQ(shards->size(), 3u);
  EXPECT_EQ((*shards)[0].conninfo, "host=a dbname=x");
  EXPECT_EQ((*shards)[0].weight, 1);
  EXPECT_EQ((*shards)[1].conninfo, "postgresql://b/y");
  EXPECT_EQ((*shards)[1].weight, 3);
  EXPECT_EQ((*shards)[2].weight, 0);
}

TEST(ShardMapTest, RefusesBadLists) {
  for (const char* bad : {"", "host=a;;host=b", "weight=x host=a", "weight=-1 host=a", "weight=2",
                          "weight=0 host=a", "host=a;"}) {
    auto shards = ParseShardList(bad);
    EXPECT_FALSE(shards.ok()) << "'" << bad << "' was accepted";
    if (!shards.ok()) {
      EXPECT_EQ(shards.status().code(), Code::kInvalidArgument) << bad;
    }
  }
}

std::array<int, 4> Spread(const std::vector<PgShard>& shards, int keys) {
  std::array<int, 4> counts{};
  for (int k = 0; k < keys; ++k) ++counts[ChooseShard(PlacementKey(std::to_string(k)), shards)];
  return counts;
}

TEST(ShardMapTest, SpreadsByWeight) {
  const std::vector<PgShard> shards = {{"a", 1}, {"b", 2}, {"c", 0}, {"d", 1}};
  const auto counts = Spread(shards, 40000);
  EXPECT_NEAR(counts[0], 10000, 600);
  EXPECT_NEAR(counts[1], 20000, 600);
  EXPECT_EQ(counts[2], 0) << "weight 0 takes nothing new";
  EXPECT_NEAR(counts[3], 10000, 600);
  EXPECT_EQ(ChooseShard(1, {{"a", 0}}), -1);
}

TEST(ShardMapTest, AnAddedShardTakesOnlyItsShare) {
  std::vector<PgShard> shards = {{"a", 1}, {"b", 1}, {"c", 1}};
  int moved = 0;
  int to_new = 0;
  constexpr int kKeys = 30000;
  for (int k = 0; k < kKeys; ++k) {
    const int before = ChooseShard(static_cast<uint64_t>(k), shards);
    shards.push_back({"d", 1});
    const int after = ChooseShard(static_cast<uint64_t>(k), shards);
    shards.pop_back();
    if (before != after) {
      ++moved;
      if (after == 3) ++to_new;
    }
  }
  EXPECT_EQ(moved, to_new) << "a key only ever moves to the new shard";
  EXPECT_NEAR(moved, kKeys / 4, 600);
}

}  // namespace
}  // namespace mqchat::store
