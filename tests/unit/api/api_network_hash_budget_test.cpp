// NetworkHashBudget (api/src/network_hash_budget.h) on a fake clock: hashes a second with bursts
// and hashes at once per network, refusals that take nothing, the operator's calls unlimited.
#include "network_hash_budget.h"

#include <gtest/gtest.h>

namespace mqchat::api {
namespace {

const std::string kFlood = "4:198.51.100";
const std::string kOther = "4:203.0.113";

TEST(NetworkHashBudgetTest, ABurstThenTheRateAndTheWaitUntilTheNextToken) {
  NetworkHashBudget budget({/*rate_per_s=*/2, /*burst=*/3, /*concurrent=*/0});
  int64_t now = 1000;
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(budget.Take(kFlood, now)) << "burst " << i;
    budget.Release(kFlood);
  }
  auto refused = budget.Take(kFlood, now);
  ASSERT_TRUE(refused);
  EXPECT_TRUE(refused->over_rate);
  EXPECT_EQ(refused->retry_after_ms, 500) << "2 a second: the next token in 500 ms";
  EXPECT_FALSE(budget.Take(kOther, now)) << "another network has its own budget";
  budget.Release(kOther);
  // A refusal took nothing: 499 ms later still refused (about 1 ms to go), just after 500 ms
  // admitted.
  now += 499;
  refused = budget.Take(kFlood, now);
  ASSERT_TRUE(refused);
  EXPECT_GE(refused->retry_after_ms, 1);
  EXPECT_LE(refused->retry_after_ms, 2);  // rounded up from a fraction of a token
  now += 2;
  EXPECT_FALSE(budget.Take(kFlood, now));
  budget.Release(kFlood);
  EXPECT_TRUE(budget.Take(kFlood, now)) << "one token a 500 ms, no more";
  // Idle for long: back to one burst, not more.
  now += 60000;
  for (int i = 0; i < 3; ++i) {
    EXPECT_FALSE(budget.Take(kFlood, now)) << "burst again " << i;
    budget.Release(kFlood);
  }
  EXPECT_TRUE(budget.Take(kFlood, now));
}

TEST(NetworkHashBudgetTest, AtMostNAtOnceAndABusyRefusalCostsNoToken) {
  NetworkHashBudget budget({/*rate_per_s=*/1, /*burst=*/3, /*concurrent=*/2});
  const int64_t now = 5000;
  EXPECT_FALSE(budget.Take(kFlood, now));
  EXPECT_FALSE(budget.Take(kFlood, now));
  EXPECT_EQ(budget.InFlight(kFlood), 2);
  for (int i = 0; i < 5; ++i) {
    auto refused = budget.Take(kFlood, now);
    ASSERT_TRUE(refused);
    EXPECT_FALSE(refused->over_rate) << "refused for the hashes at once";
    EXPECT_EQ(refused->retry_after_ms, 1000);
  }
  EXPECT_FALSE(budget.Take(kOther, now)) << "another network is not affected";
  budget.Release(kFlood);
  EXPECT_EQ(budget.InFlight(kFlood), 1);
  // The five busy refusals took no token: the burst's third is still there.
  EXPECT_FALSE(budget.Take(kFlood, now));
  budget.Release(kFlood);
  auto refused = budget.Take(kFlood, now);
  ASSERT_TRUE(refused);
  EXPECT_TRUE(refused->over_rate) << "now the rate: three taken in the same instant";
  EXPECT_EQ(budget.InFlight(kFlood), 1) << "a refusal holds no slot";
}

TEST(NetworkHashBudgetTest, TheOperatorsCallsAndZeroLimitsAreNotLimited) {
  NetworkHashBudget budget({/*rate_per_s=*/1, /*burst=*/1, /*concurrent=*/1});
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(budget.Take("", 0)) << "no network: the operator";
  NetworkHashBudget off({/*rate_per_s=*/0, /*burst=*/1, /*concurrent=*/0});
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(off.Take(kFlood, 0)) << i;
  EXPECT_EQ(off.InFlight(kFlood), 100);
  for (int i = 0; i < 100; ++i) off.Release(kFlood);
  EXPECT_EQ(off.InFlight(kFlood), 0);
}

}  // namespace
}  // namespace mqchat::api
