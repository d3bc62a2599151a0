// The HTTP server's front gate (issue 29; api/src/request_gate.h) on a fake clock: request rates
// per address and per /24 with bursts, refused requests counted down to one burst of debt (a
// client that keeps hammering stays refused, one that waits for Retry-After gets in), one
// address's hammering leaving its network's budget alone, connections in flight and per address
// bounded and released; and its options.
#include <gtest/gtest.h>

#include "config.h"
#include "request_gate.h"

namespace mqchat::api {
namespace {

RequestGateConfig Config(int rate_per_address, int burst_per_address, int rate_per_prefix,
                         int burst_per_prefix) {
  RequestGateConfig c;
  c.rate_per_address = rate_per_address;
  c.burst_per_address = burst_per_address;
  c.rate_per_prefix = rate_per_prefix;
  c.burst_per_prefix = burst_per_prefix;
  return c;
}

TEST(ApiRequestGateTest, AnAddressGetsItsBurstThenItsRateAndHammeringKeepsItOut) {
  int64_t now = 1000000;
  RequestGate gate(Config(10, 5, 0, 1), [&] { return now; });
  for (int i = 0; i < 5; ++i) EXPECT_EQ(gate.RequestWaitS("10.0.0.1"), 0) << i;
  const int wait = gate.RequestWaitS("10.0.0.1");
  EXPECT_EQ(wait, 1) << "0.2 s (its refusal counted), rounded up to Retry-After's whole seconds";
  EXPECT_EQ(gate.RequestWaitS("10.0.0.2"), 0) << "another address has its own budget";
  // Hammering without waiting: every refusal counts, down to one burst of debt (-5 tokens).
  for (int i = 0; i < 100; ++i) EXPECT_GT(gate.RequestWaitS("10.0.0.1"), 0);
  now += 500;  // 5 tokens back: from -5 to 0, not yet one
  EXPECT_GT(gate.RequestWaitS("10.0.0.1"), 0);
  // Waiting as told gets it in: from -1, 0.6 s gives 6.
  now += 600;
  EXPECT_EQ(gate.RequestWaitS("10.0.0.1"), 0);
}

TEST(ApiRequestGateTest, ANetworkHasARateOfItsOwnAndOneHammeringAddressLeavesItAlone) {
  int64_t now = 1000000;
  RequestGate gate(Config(2, 2, 10, 4), [&] { return now; });
  // Four addresses of one /24 spend its burst of 4; a fifth is refused, another /24 is not.
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(gate.RequestWaitS("10.0.0." + std::to_string(i)), 0);
  EXPECT_GT(gate.RequestWaitS("10.0.0.5"), 0);
  EXPECT_EQ(gate.RequestWaitS("10.0.1.5"), 0);
  // IPv6 networks are /56: another /64 inside the same /56 shares the budget.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(gate.RequestWaitS("2001:db8:0:1" + std::to_string(i) + "::1"), 0) << i;
  }
  EXPECT_GT(gate.RequestWaitS("2001:db8:0:ff::1"), 0);

  now += 1000;  // the /24 refilled (10 a second, up to 4)
  // One address hammering is refused by its own bucket; its network is not charged for that.
  for (int i = 0; i < 50; ++i) (void)gate.RequestWaitS("10.0.0.9");
  EXPECT_EQ(gate.RequestWaitS("10.0.0.10"), 0) << "the /24 kept its budget";
}

TEST(ApiRequestGateTest, ZeroRatesTurnTheLimitsOff) {
  RequestGate gate(Config(0, 1, 0, 1), [] { return int64_t{0}; });
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(gate.RequestWaitS("10.0.0.1"), 0);
}

TEST(ApiRequestGateTest, ConnectionsInFlightAndPerAddressAreBoundedAndReleased) {
  RequestGateConfig c;
  c.max_connections = 3;
  c.max_connections_per_address = 2;
  RequestGate gate(c);
  EXPECT_TRUE(gate.OpenConnection());
  EXPECT_TRUE(gate.OpenConnection());
  EXPECT_TRUE(gate.OpenConnection());
  EXPECT_FALSE(gate.OpenConnection()) << "the fourth in flight";
  EXPECT_EQ(gate.connections(), 4);
  gate.CloseConnection();
  gate.CloseConnection();
  EXPECT_TRUE(gate.OpenConnection());
  EXPECT_EQ(gate.connections(), 3);

  EXPECT_TRUE(gate.BindAddress("10.0.0.1"));
  EXPECT_TRUE(gate.BindAddress("10.0.0.1"));
  EXPECT_FALSE(gate.BindAddress("10.0.0.1"));
  EXPECT_TRUE(gate.BindAddress("10.0.0.2"));
  gate.ReleaseAddress("10.0.0.1");
  EXPECT_TRUE(gate.BindAddress("10.0.0.1"));
}

TEST(ApiRequestGateTest, OptionsHaveDefaultsAndRanges) {
  const std::vector<std::string> base = {"--sqlite", "x.db", "--jwt_private_key_file", "k"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return ParseApiArgs(args);
  };
  auto defaults = with({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->gate.rate_per_address, 50);
  EXPECT_EQ(defaults->gate.burst_per_address, 100);
  EXPECT_EQ(defaults->gate.rate_per_prefix, 200);
  EXPECT_EQ(defaults->gate.burst_per_prefix, 400);
  EXPECT_EQ(defaults->gate.max_connections, 512);
  EXPECT_EQ(defaults->gate.max_connections_per_address, 64);
  EXPECT_EQ(defaults->gate.keep_alive_requests, 100);
  EXPECT_EQ(defaults->gate.keep_alive_timeout_s, 2);
  auto set = with({"--request_rate_per_address", "0", "--request_burst_per_prefix", "7",
                   "--max_connections", "9", "--max_connections_per_address", "0",
                   "--keep_alive_timeout_s", "1"});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->gate.rate_per_address, 0);
  EXPECT_EQ(set->gate.burst_per_prefix, 7);
  EXPECT_EQ(set->gate.max_connections, 9);
  EXPECT_EQ(set->gate.max_connections_per_address, 0);
  EXPECT_EQ(set->gate.keep_alive_timeout_s, 1);
  EXPECT_FALSE(with({"--request_burst_per_address", "0"}).ok());
  EXPECT_FALSE(with({"--max_connections", "0"}).ok());
  EXPECT_FALSE(with({"--keep_alive_timeout_s", "61"}).ok());
  EXPECT_FALSE(with({"--request_rate_per_prefix", "-1"}).ok());
}

}  // namespace
}  // namespace mqchat::api
