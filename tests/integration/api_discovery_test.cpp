// GET /v1/connect from Redis: two real brokers sharing PostgreSQL and Redis advertise their URLs
// (plugin_opt_advertise_urls) in their liveness keys; the real mqchat-api, given the same Redis,
// lists both, the less loaded first; after one broker is SIGKILLed it is dropped within the
// brokers' redis_ttl_s; while Redis is down the configured static list is the answer.
#include <gtest/gtest.h>

#include <chrono>

#include "support/api_process.h"
#include "support/shared_brokers.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr int kRedisTtlS = 3;
const char* kStaticUrl = "mqtt://static.example:1883";

std::string MqttUrl(int node) { return "mqtts://broker" + std::to_string(node) + ".test:8883"; }
std::string WsUrl(int node) { return "wss://broker" + std::to_string(node) + ".test/mqtt"; }

class ApiDiscoveryTest : public SharedBrokersTest {
 protected:
  // Called once per broker, in node order (1, 2): each advertises URLs naming its node.
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    const int node = ++options_given_;
    return {{"redis_ttl_s", std::to_string(kRedisTtlS)},
            {"advertise_urls", MqttUrl(node) + " " + WsUrl(node)}};
  }

  void StartApi() {
    auto dsn = postgres_->FreshDatabase();
    ASSERT_TRUE(dsn.ok()) << dsn.status().ToString();
    store::StoreConfig store;
    store.backend = store::Backend::kPostgres;
    store.pg_conninfo = *dsn;
    api_ = std::make_unique<ApiProcess>(
        store, std::vector<std::pair<std::string, std::string>>{
                   {"redis", redis_->url()}, {"discovery_cache_ms", "0"}, {"broker", kStaticUrl}});
    ASSERT_TRUE(api_->Start());
  }

  // The URLs GET /v1/connect lists, in order (empty on a failed request).
  std::vector<std::string> Listed() {
    auto reply = api_->Get("/v1/connect");
    last_ = reply.json;
    std::vector<std::string> urls;
    if (reply.status != 200) return urls;
    for (const auto& b : reply.json["brokers"]) urls.push_back(b["url"].get<std::string>());
    return urls;
  }

  bool WaitListed(const std::vector<std::string>& expected, std::chrono::milliseconds timeout,
                  const std::string& what) {
    return WaitFor([&] { return Listed() == expected; }, timeout, what);
  }

  mutable int options_given_ = 0;
  std::unique_ptr<ApiProcess> api_;
  nlohmann::json last_;
};

TEST_F(ApiDiscoveryTest, LiveBrokersLeastLoadedFirstAndADeadOneDropsOut) {
  if (!ready()) return;
  ASSERT_NO_FATAL_FAILURE(StartApi());
  // No devices anywhere: both, by node id.
  ASSERT_TRUE(WaitListed({MqttUrl(1), WsUrl(1), MqttUrl(2), WsUrl(2)}, std::chrono::seconds(10),
                         "both brokers listed"))
      << last_.dump();

  // Two devices on broker 1, none on broker 2: broker 2 first.
  auto phone = Connect(0, "alice", "phone");
  auto laptop = Connect(0, "alice", "laptop");
  ASSERT_TRUE(WaitListed({MqttUrl(2), WsUrl(2), MqttUrl(1), WsUrl(1)}, std::chrono::seconds(10),
                         "the less loaded broker first"))
      << last_.dump();
  EXPECT_EQ(last_["brokers"][0]["broker"], 2);
  EXPECT_EQ(last_["brokers"][0]["connected_devices"], 0);
  EXPECT_EQ(last_["brokers"][2]["broker"], 1);
  EXPECT_EQ(last_["brokers"][2]["connected_devices"], 2);

  // Broker 2 crashes: it is skipped once its liveness key lapses (redis_ttl_s after its last
  // heartbeat), though it never said goodbye.
  const auto killed_at = std::chrono::steady_clock::now();
  brokers_[1]->Kill();
  ASSERT_TRUE(WaitListed({MqttUrl(1), WsUrl(1)}, std::chrono::seconds(kRedisTtlS + 5),
                         "the killed broker dropped"))
      << last_.dump();
  EXPECT_LE(std::chrono::steady_clock::now() - killed_at,
            std::chrono::milliseconds(kRedisTtlS * 1000 + 1000));

  // Redis down: the configured list.
  redis_->Kill();
  EXPECT_TRUE(WaitListed({kStaticUrl}, std::chrono::seconds(10), "the static list"))
      << last_.dump();
}

}  // namespace
}  // namespace mqchat::test
