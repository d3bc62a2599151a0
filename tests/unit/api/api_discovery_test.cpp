// GET /v1/connect's ordering (RankBrokers: least loaded first, ties by broker id, each broker's
// URLs in its own order) and the static list without Redis. Reading the live brokers from Redis
// is covered by tests/integration/api_discovery_test.cpp.
#include <gtest/gtest.h>

#include "discovery.h"

namespace mqchat::api {
namespace {

std::vector<std::string> Urls(const nlohmann::json& brokers) {
  std::vector<std::string> urls;
  for (const auto& b : brokers) urls.push_back(b.at("url").get<std::string>());
  return urls;
}

TEST(ApiDiscoveryTest, LeastLoadedBrokerFirstTiesByIdUrlsInTheirOrder) {
  auto ranked = RankBrokers({{3, 10, {"mqtts://c:8883", "wss://c/mqtt"}},
                             {1, 2, {"mqtts://a:8883", "wss://a/mqtt"}},
                             {2, 2, {"mqtts://b:8883"}}});
  EXPECT_EQ(Urls(ranked), (std::vector<std::string>{"mqtts://a:8883", "wss://a/mqtt",
                                                    "mqtts://b:8883", "mqtts://c:8883",
                                                    "wss://c/mqtt"}));
  EXPECT_EQ(ranked[0]["broker"], 1);
  EXPECT_EQ(ranked[0]["connected_devices"], 2);
  EXPECT_EQ(ranked[4]["broker"], 3);
  EXPECT_EQ(ranked[4]["connected_devices"], 10);
  EXPECT_TRUE(RankBrokers({}).empty());
}

TEST(ApiDiscoveryTest, WithoutRedisTheConfiguredList) {
  int64_t now = 1000;
  BrokerDiscovery discovery(std::nullopt, {"mqtt://x:1883", "ws://x:8083"}, 1000, [&now] { return now; });
  auto response = discovery.Handle();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(nlohmann::json::parse(response.body),
            nlohmann::json::parse(
                R"({"brokers":[{"url":"mqtt://x:1883"},{"url":"ws://x:8083"}]})"));
}

}  // namespace
}  // namespace mqchat::api
