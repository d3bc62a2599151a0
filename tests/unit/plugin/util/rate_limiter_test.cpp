#include "util/rate_limiter.h"

#include <gtest/gtest.h>

namespace mqchat {
namespace {

TEST(RateLimiterTest, BurstThenSustainedRate) {
  RateLimiter r(5, 20);  // 5 per second, 20 at once
  for (int i = 0; i < 20; ++i) EXPECT_EQ(r.Take("u", 1, 0), 0) << i;
  // Empty: the next token comes 200 ms later, and the wait says so.
  EXPECT_EQ(r.Take("u", 1, 0), 200);
  EXPECT_EQ(r.Take("u", 1, 150), 50);
  EXPECT_EQ(r.Take("u", 1, 200), 0);
  EXPECT_EQ(r.Take("u", 1, 200), 200);
  // Another key has its own bucket.
  EXPECT_EQ(r.Take("v", 1, 200), 0);
  // A full bucket again after 4 s of quiet, and no more than the burst.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(r.Take("u", 1, 10000), 0) << i;
  EXPECT_GT(r.Take("u", 1, 10000), 0);
}

TEST(RateLimiterTest, ARefusedEventTakesNothing) {
  RateLimiter r(1, 2);
  EXPECT_EQ(r.Take("u", 2, 0), 0);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(r.Take("u", 1, 0), 1000);
  EXPECT_EQ(r.Take("u", 1, 1000), 0);
}

TEST(RateLimiterTest, ACostAboveTheBurstWaitsForAFullBucketAndLeavesDebt) {
  RateLimiter r(1000, 500);  // a fan-out budget: 1,000 deliveries per second, 500 at once
  EXPECT_EQ(r.Take("u", 2000, 0), 0);  // a full bucket lets it through, and it costs 2,000
  // 1,500 in debt: 2 s until the bucket holds 500 again.
  EXPECT_EQ(r.WaitMs("u", 2000, 0), 2000);
  EXPECT_EQ(r.WaitMs("u", 1, 0), 1501);
  EXPECT_EQ(r.Take("u", 2000, 2000), 0);
}

TEST(RateLimiterTest, PerWindowIsTheTypingLimit) {
  RateLimiter r = RateLimiter::PerWindow(60, 60000);
  for (int i = 0; i < 60; ++i) EXPECT_TRUE(r.Allow("u", 0)) << i;
  EXPECT_FALSE(r.Allow("u", 0));
  EXPECT_FALSE(r.Allow("u", 999));
  EXPECT_TRUE(r.Allow("u", 1000));
}

TEST(RateLimiterTest, BoundedKeysDropFullBucketsFirst) {
  RateLimiter r(1, 1, /*max_keys=*/3);
  EXPECT_TRUE(r.Allow("a", 0));
  EXPECT_TRUE(r.Allow("b", 0));
  EXPECT_TRUE(r.Allow("c", 5000));  // a and b are full again by now
  EXPECT_TRUE(r.Allow("d", 5000));  // room made by dropping the full ones, not c
  EXPECT_FALSE(r.Allow("c", 5000));
  EXPECT_LE(r.size(), 3u);
}

}  // namespace
}  // namespace mqchat
