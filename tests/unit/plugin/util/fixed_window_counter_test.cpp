#include "util/fixed_window_counter.h"

#include <gtest/gtest.h>

namespace mqchat {
namespace {

TEST(FixedWindowCounterTest, CountsPerKeyWithinTheWindow) {
  FixedWindowCounter c(1000, 100);
  c.Add("k", 0);
  c.Add("k", 500);
  EXPECT_TRUE(c.AtLimit("k", 2, 999));
  EXPECT_FALSE(c.AtLimit("k", 3, 999));
  EXPECT_FALSE(c.AtLimit("k", 2, 1000));  // the window started at 0
  EXPECT_FALSE(c.AtLimit("other", 1, 0));
  c.Add("k", 1000);
  EXPECT_TRUE(c.AtLimit("k", 1, 1001));
  EXPECT_FALSE(c.AtLimit("k", 2, 1001));
}

TEST(FixedWindowCounterTest, BoundedKeyCountKeepsTheNewest) {
  FixedWindowCounter c(1000, 10);
  for (int i = 0; i < 100000; ++i) c.Add("k" + std::to_string(i), i / 100);
  EXPECT_TRUE(c.AtLimit("k99999", 1, 999));
  // Keys whose windows ended are swept: a fresh key is counted from 1.
  c.Add("fresh", 5000);
  EXPECT_TRUE(c.AtLimit("fresh", 1, 5000));
}

}  // namespace
}  // namespace mqchat
