// The API throttles shared across processes (issue 29): two real mqchat-api processes on one
// store and one real Redis, as behind a load balancer. Failed logins and sign-ups spread over
// both are counted together (Redis counters with the window as their expiry), so the budget is
// the configured one, not one per process; when Redis goes down each process falls back to its
// own counts at once (no request waits for Redis). Then through Redis Sentinel: discovery and
// the throttles find the master via the sentinels and follow a failover.
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "support/api_process.h"
#include "support/chat_server.h"
#include "support/redis_instance.h"
#include "support/shared_brokers.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using Options = std::vector<std::pair<std::string, std::string>>;

ApiReply ApiLogin(ApiProcess& api, const std::string& user, const std::string& password) {
  return api.Post("/v1/login", {{"username", user}, {"password", password}});
}
ApiReply ApiSignup(ApiProcess& api, const std::string& user) {
  return api.Post("/v1/signup", {{"username", user}, {"password", user + " password"}});
}

class ApiSharedThrottleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!redis_.Start()) return;
    ChatServerOptions o;
    o.store = StoreKind::kSqlite;
    server_ = ChatServer::Create(std::move(o));
    ASSERT_TRUE(server_);
    const Options options = {{"redis", redis_.url()},
                             {"login_fail_max", "4"},
                             {"login_fail_max_per_prefix", "1000"},
                             {"signup_max_per_address", "2"}};
    for (auto* api : {&a_, &b_}) {
      *api = std::make_unique<ApiProcess>(server_->store_config(), options);
      ASSERT_TRUE((*api)->Start());
    }
  }

  RedisInstance redis_;
  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> a_, b_;
};

TEST_F(ApiSharedThrottleTest, FailuresSpreadOverTwoProcessesAreThrottledTogether) {
  if (!a_ || !b_) return;
  // Sign-ups: 2 per address in all, one through each process.
  EXPECT_EQ(ApiSignup(*a_, "alice").status, 201);
  EXPECT_EQ(ApiSignup(*b_, "bob").status, 201);
  for (auto* api : {a_.get(), b_.get()}) {
    auto refused = ApiSignup(*api, "carol");
    EXPECT_EQ(refused.status, 429) << refused.body;
    EXPECT_EQ(refused.error_code(), "RATE_LIMITED");
  }

  // Failed logins: 4 per username (and address) in all, alternating processes.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(ApiLogin(i % 2 ? *b_ : *a_, "alice", "guess").status, 401) << i;
  }
  for (auto* api : {a_.get(), b_.get()}) {
    auto refused = ApiLogin(*api, "alice", "alice password");
    EXPECT_EQ(refused.status, 429) << "2 failures per process, 4 in all: " << refused.body;
    const int retry_after = std::atoi(refused.retry_after.c_str());
    EXPECT_GE(retry_after, 1) << refused.retry_after;
    EXPECT_LE(retry_after, 60) << refused.retry_after;
  }
  // In Redis: a counter with the window as its expiry.
  auto count = redis_.Command({"GET", "mqchat:throttle:login:u:alice"});
  ASSERT_TRUE(count);
  EXPECT_EQ(count->str, "4");
  auto ttl = redis_.Command({"PTTL", "mqchat:throttle:login:u:alice"});
  ASSERT_TRUE(ttl);
  EXPECT_GT(ttl->integer, 0);
  EXPECT_LE(ttl->integer, 60000);

  // Redis down: each process counts alone, without waiting for Redis. a_ has seen 2 failures
  // from 127.0.0.1, so 2 more spend its address budget; b_ has seen 2 and still answers.
  redis_.Kill();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ApiLogin(*a_, "dave", "guess").status, 401);
  EXPECT_EQ(ApiLogin(*a_, "erin", "guess").status, 401);
  EXPECT_EQ(ApiLogin(*a_, "frank", "guess").status, 429) << "a_'s own count: 4 from this address";
  EXPECT_EQ(ApiLogin(*b_, "grace", "guess").status, 401) << "b_'s own count: 2";
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3))
      << "no request waited on the dead Redis";
  EXPECT_NE(a_->Log().find("counting per process"), std::string::npos) << a_->Log();
}

// Through Sentinel: the same Redis group the plugin's RedisSentinelFailoverTest uses, one
// broker finding the master through the sentinels too.
class ApiSentinelTest : public SharedBrokersTest {
 protected:
  int BrokerCount() const override { return 1; }
  bool RedisBehindSentinel() const override { return true; }
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"redis_ttl_s", "3"}, {"advertise_urls", "mqtts://broker1.test:8883"}};
  }
};

TEST_F(ApiSentinelTest, DiscoveryAndThrottlesFindTheMasterThroughSentinelAndFollowAFailover) {
  if (!ready()) return;
  auto dsn = postgres_->FreshDatabase();
  ASSERT_TRUE(dsn.ok()) << dsn.status().ToString();
  store::StoreConfig store;
  store.backend = store::Backend::kPostgres;
  store.pg_conninfo = *dsn;
  ApiProcess api(store, {{"redis_sentinels", sentinels_->SentinelList()},
                         {"redis_master_name", RedisSentinelGroup::kMasterName},
                         {"discovery_cache_ms", "0"},
                         {"broker", "mqtt://static.example:1883"},
                         {"login_fail_max", "1000"}});
  ASSERT_TRUE(api.Start());
  auto listed = [&api] {
    auto reply = api.Get("/v1/connect");
    return reply.status == 200 && reply.json["brokers"].size() == 1 &&
           reply.json["brokers"][0]["url"] == "mqtts://broker1.test:8883";
  };
  ASSERT_TRUE(WaitFor(listed, std::chrono::seconds(15), "the live broker listed via sentinel"))
      << api.Get("/v1/connect").body;
  EXPECT_EQ(ApiLogin(api, "nobody", "guess").status, 401);
  auto counted = sentinels_->master().Command({"GET", "mqchat:throttle:login:u:nobody"});
  ASSERT_TRUE(counted);
  EXPECT_EQ(counted->str, "1") << "counted on the master the sentinels name";

  // The master dies; once the sentinels promote the replica, both find it again.
  const int old_port = sentinels_->MasterPort();
  sentinels_->master().Kill();
  ASSERT_TRUE(sentinels_->WaitPromoted(old_port, std::chrono::seconds(30)));
  ASSERT_TRUE(WaitFor(listed, std::chrono::seconds(20), "the broker listed after the failover"))
      << api.Get("/v1/connect").body;
  auto counted_again = [&] {
    EXPECT_EQ(ApiLogin(api, "nobody2", "guess").status, 401);
    auto count = sentinels_->replica().Command({"GET", "mqchat:throttle:login:u:nobody2"});
    return count && count->type == RedisReply::Type::kBulk;
  };
  EXPECT_TRUE(WaitFor(counted_again, std::chrono::seconds(10), "counts on the new master"));
}

}  // namespace
}  // namespace mqchat::test
