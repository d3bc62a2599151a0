#include "ids/snowflake.h"

#include <gtest/gtest.h>

#include <unordered_set>
#include <vector>

#include "support/fakes/fake_clock.h"

namespace mqchat {
namespace {

using test::FakeClock;

constexpr int64_t kNowMs = 1'750'000'000'000;  // after the 2024 epoch of the ids

TEST(SnowflakeTest, StrictlyIncreasingOverManyIds) {
  FakeClock clock(kNowMs);
  SnowflakeGenerator gen(7, clock);
  int64_t last = 0;
  for (int i = 0; i < 100000; ++i) {
    if (i % 37 == 0) clock.AdvanceMs(1);
    const int64_t id = gen.Next();
    ASSERT_GT(id, last) << "at " << i;
    ASSERT_GT(id, 0);
    last = id;
  }
}

TEST(SnowflakeTest, DecodesNodeAndTimestamp) {
  FakeClock clock(1'750'000'000'123);
  SnowflakeGenerator gen(1023, clock);
  const int64_t id = gen.Next();
  EXPECT_EQ(SnowflakeGenerator::TimestampMs(id), 1'750'000'000'123);
  EXPECT_EQ(SnowflakeGenerator::NodeId(id), 1023);
  EXPECT_EQ(SnowflakeGenerator::Counter(id), 0);
  EXPECT_EQ(SnowflakeGenerator::Counter(gen.Next()), 1);

  // The layout: 41 bits of ms since 2024-01-01 | 10 bits node | 12 bits counter.
  FakeClock at_epoch(SnowflakeGenerator::kEpochMs + 1);
  SnowflakeGenerator gen5(5, at_epoch);
  EXPECT_EQ(gen5.Next(), (int64_t{1} << 22) | (int64_t{5} << 12));
}

TEST(SnowflakeTest, NodeBitsArePreserved) {
  FakeClock clock(kNowMs);
  for (int node : {0, 1, 2, 511, 512, 1022, 1023}) {
    SnowflakeGenerator gen(node, clock);
    for (int i = 0; i < 5000; ++i) {
      ASSERT_EQ(SnowflakeGenerator::NodeId(gen.Next()), node);
    }
  }
}

TEST(SnowflakeTest, ClockSteppingBackKeepsIncreasing) {
  FakeClock clock(kNowMs);
  SnowflakeGenerator gen(3, clock);
  int64_t last = gen.Next();
  const int64_t before_step = SnowflakeGenerator::TimestampMs(last);
  clock.SetWallMs(clock.NowMs() - 10'000);
  for (int i = 0; i < 20000; ++i) {  // spans several borrowed milliseconds
    const int64_t id = gen.Next();
    ASSERT_GT(id, last);
    last = id;
  }
  EXPECT_GE(SnowflakeGenerator::TimestampMs(last), before_step);
  // Once the clock passes the borrowed time again, ids follow the clock.
  clock.SetWallMs(before_step + 60'000);
  const int64_t id = gen.Next();
  EXPECT_GT(id, last);
  EXPECT_EQ(SnowflakeGenerator::TimestampMs(id), before_step + 60'000);
  EXPECT_EQ(SnowflakeGenerator::Counter(id), 0);
}

TEST(SnowflakeTest, FrozenMillisecondNeverBlocksAndStaysUnique) {
  FakeClock clock(kNowMs);
  SnowflakeGenerator gen(9, clock);
  std::unordered_set<int64_t> seen;
  int64_t last = 0;
  for (int i = 0; i < 5000; ++i) {
    const int64_t id = gen.Next();
    ASSERT_GT(id, last);
    ASSERT_TRUE(seen.insert(id).second);
    EXPECT_EQ(SnowflakeGenerator::NodeId(id), 9);
    last = id;
  }
  // 4096 fit in the frozen millisecond; the rest borrowed the next one.
  EXPECT_EQ(SnowflakeGenerator::TimestampMs(last), clock.NowMs() + 1);
  EXPECT_EQ(SnowflakeGenerator::Counter(last), 5000 - 4096 - 1);
}

TEST(SnowflakeTest, ObserveIssuedMovesPastStoredIds) {
  FakeClock clock(kNowMs);
  SnowflakeGenerator other_node(1000, clock);
  const int64_t stored = other_node.Next();
  clock.SetWallMs(clock.NowMs() - 5'000);  // restarted with a clock that is behind
  SnowflakeGenerator gen(1, clock);
  gen.ObserveIssued(stored);
  EXPECT_GT(gen.Next(), stored);
  gen.ObserveIssued(1);  // older ids change nothing
  EXPECT_GT(gen.Next(), stored);
}

TEST(SnowflakeTest, NeverIssuesAnObservedIdWithTheClockBehind) {
  // The largest stored id: this node's own, the last of a busy millisecond an hour ahead.
  FakeClock before_restart(kNowMs + 3'600'000);
  SnowflakeGenerator previous(1, before_restart);
  int64_t stored = 0;
  for (int i = 0; i < 4096; ++i) stored = previous.Next();
  ASSERT_EQ(SnowflakeGenerator::Counter(stored), 4095);

  FakeClock clock(kNowMs);  // restarted an hour behind
  SnowflakeGenerator gen(1, clock);
  gen.ObserveIssued(stored);
  gen.ObserveIssued(stored - 1);  // an older id changes nothing
  int64_t last = stored;
  for (int i = 0; i < 20000; ++i) {         // several borrowed milliseconds
    if (i % 1000 == 0) clock.AdvanceMs(1);  // still far behind
    const int64_t id = gen.Next();
    ASSERT_GT(id, last) << "at " << i;
    ASSERT_EQ(SnowflakeGenerator::NodeId(id), 1);
    last = id;
  }
  // Observing again in the middle (say, a stored id of another node) keeps the order too.
  const int64_t ahead = last + (int64_t{5} << 22);  // five milliseconds later
  gen.ObserveIssued(ahead);
  EXPECT_GT(gen.Next(), ahead);
}

TEST(SnowflakeTest, ClockBeforeEpochStillPositive) {
  FakeClock clock(0);
  SnowflakeGenerator gen(4, clock);
  const int64_t a = gen.Next();
  const int64_t b = gen.Next();
  EXPECT_GT(a, 0);
  EXPECT_GT(b, a);
}

}  // namespace
}  // namespace mqchat
