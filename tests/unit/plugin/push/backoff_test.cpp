// Exponential backoff with full jitter (push/backoff.h).
#include "push/backoff.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace mqchat::push {
namespace {

TEST(BackoffTest, CeilingDoublesFromTheBaseUpToTheCap) {
  const BackoffPolicy policy{1000, 300000};
  EXPECT_EQ(BackoffCeilingMs(policy, 1), 1000);
  EXPECT_EQ(BackoffCeilingMs(policy, 2), 2000);
  EXPECT_EQ(BackoffCeilingMs(policy, 3), 4000);
  EXPECT_EQ(BackoffCeilingMs(policy, 9), 256000);
  EXPECT_EQ(BackoffCeilingMs(policy, 10), 300000);
  EXPECT_EQ(BackoffCeilingMs(policy, 11), 300000);
  EXPECT_EQ(BackoffCeilingMs(policy, 0), 1000) << "attempt below 1 counts as 1";
}

TEST(BackoffTest, HugeAttemptCountsDoNotOverflow) {
  const BackoffPolicy policy{1000, INT64_MAX};
  EXPECT_EQ(BackoffCeilingMs(policy, 1000000), INT64_MAX);
  EXPECT_GE(BackoffDelayMs(policy, 1000000, UINT64_MAX), 0);
  EXPECT_EQ(BackoffCeilingMs(BackoffPolicy{1000, 5000}, 1 << 30), 5000);
}

TEST(BackoffTest, CapBelowBaseWins) {
  EXPECT_EQ(BackoffCeilingMs(BackoffPolicy{1000, 300}, 1), 300);
  EXPECT_EQ(BackoffCeilingMs(BackoffPolicy{1000, 300}, 5), 300);
}

TEST(BackoffTest, FullJitterSpansZeroToTheCeilingInclusive) {
  const BackoffPolicy policy{1000, 300000};
  EXPECT_EQ(BackoffDelayMs(policy, 3, 0), 0);
  EXPECT_EQ(BackoffDelayMs(policy, 3, 4000), 4000);
  EXPECT_EQ(BackoffDelayMs(policy, 3, 4001), 0);
  EXPECT_EQ(BackoffDelayMs(policy, 3, 4002), 1);
  std::mt19937_64 random(42);
  int64_t low = INT64_MAX, high = 0;
  for (int i = 0; i < 10000; ++i) {
    const int64_t d = BackoffDelayMs(policy, 2, random());
    ASSERT_GE(d, 0);
    ASSERT_LE(d, 2000);
    low = std::min(low, d);
    high = std::max(high, d);
  }
  EXPECT_LT(low, 100) << "not spread over the whole range";
  EXPECT_GT(high, 1900) << "not spread over the whole range";
}

}  // namespace
}  // namespace mqchat::push
