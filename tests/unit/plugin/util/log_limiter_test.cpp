#include "util/log_limiter.h"

#include <gtest/gtest.h>

namespace mqchat {
namespace {

TEST(LogLimiterTest, AtMostNLinesASecondThenReportsTheDropped) {
  LogLimiter limiter(2);
  uint64_t dropped = 99;
  EXPECT_TRUE(limiter.Allow(0, &dropped));
  EXPECT_EQ(dropped, 0u);
  EXPECT_TRUE(limiter.Allow(1, &dropped));
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(limiter.Allow(2 + i, &dropped));
  EXPECT_TRUE(limiter.Allow(1000, &dropped));
  EXPECT_EQ(dropped, 5u);
  EXPECT_TRUE(limiter.Allow(1001, &dropped));
  EXPECT_EQ(dropped, 0u);
}

}  // namespace
}  // namespace mqchat
