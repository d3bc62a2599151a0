#include "auth/network_prefix.h"

#include <gtest/gtest.h>

#include "auth/connection_gate.h"
#include "auth/hash_budget.h"

namespace mqchat::auth {
namespace {

TEST(NetworkPrefixTest, Ipv4IsItsSlash24) {
  EXPECT_EQ(NetworkPrefix("192.0.2.1"), "4:192.0.2");
  EXPECT_EQ(NetworkPrefix("192.0.2.254"), NetworkPrefix("192.0.2.1"));
  EXPECT_NE(NetworkPrefix("192.0.3.1"), NetworkPrefix("192.0.2.1"));
  EXPECT_EQ(NetworkPrefix("::ffff:192.0.2.9"), "4:192.0.2");  // dual-stack listeners
}

TEST(NetworkPrefixTest, Ipv6IsItsSlash56) {
  EXPECT_EQ(NetworkPrefix("2001:db8:aa:bb12::1"), "6:20010db800aabb");
  EXPECT_EQ(NetworkPrefix("2001:db8:aa:bbff:1:2:3:4"), NetworkPrefix("2001:db8:aa:bb00::"));
  EXPECT_NE(NetworkPrefix("2001:db8:aa:bc00::1"), NetworkPrefix("2001:db8:aa:bb00::1"));
}

TEST(NetworkPrefixTest, AnythingElseIsItsOwnKey) {
  EXPECT_EQ(NetworkPrefix(""), "?:");
  EXPECT_EQ(NetworkPrefix("/run/mosquitto.sock"), "?:/run/mosquitto.sock");
  EXPECT_NE(NetworkPrefix("not-an-address"), NetworkPrefix("192.0.2.1"));
  EXPECT_EQ(NetworkPrefix(std::string(200, '1')).substr(0, 2), "?:");
}

TEST(ConnectionGateTest, PerAddressAndTotalRatesPerSecond) {
  ConnectionGate gate(2, 3);
  EXPECT_TRUE(gate.Admit("a", 0));
  EXPECT_TRUE(gate.Admit("a", 10));
  EXPECT_FALSE(gate.Admit("a", 20));  // address over 2/s
  EXPECT_FALSE(gate.Admit("b", 30));  // 4th in total: over 3/s
  EXPECT_TRUE(gate.Admit("b", 1000));
  EXPECT_TRUE(gate.Admit("a", 1020));  // a's window started at 0
  ConnectionGate off(0, 0);
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(off.Admit("a", 0));
}

TEST(HashBudgetTest, SpreadsHashesEvenly) {
  HashBudget budget(5, 100);  // one per 200 ms
  EXPECT_TRUE(budget.TryTake(0));
  EXPECT_FALSE(budget.TryTake(1));
  EXPECT_FALSE(budget.TryTake(199));
  EXPECT_TRUE(budget.TryTake(200));
  int taken = 0;
  for (int64_t t = 1000; t < 2000; ++t) taken += budget.TryTake(t) ? 1 : 0;
  EXPECT_EQ(taken, 5);
}

TEST(HashBudgetTest, SlowHashesTakeAtMostAFifthOfTheTime) {
  HashBudget budget(1000, 20);  // the rate alone would allow one per ms
  ASSERT_TRUE(budget.TryTake(0));
  budget.Spent(0, 100);  // a 100 ms hash: the next not before 100 + 400
  EXPECT_FALSE(budget.TryTake(101));
  EXPECT_FALSE(budget.TryTake(499));
  EXPECT_TRUE(budget.TryTake(500));
  budget.Spent(500, 501);
  EXPECT_TRUE(budget.TryTake(506));
}

}  // namespace
}  // namespace mqchat::auth
