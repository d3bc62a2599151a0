// Redis behind Sentinel (issue 14): two brokers configured with plugin_opt_redis_sentinels find
// the master through the sentinels and follow a failover. The master is SIGKILLed while a user
// sends; once the sentinels have promoted the replica, presence and cross-broker delivery work
// again without restarting a broker, and no acknowledged message is lost or stored twice.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "protocol/ops.h"
#include "protocol/topics.h"
#include "support/shared_brokers.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

class RedisSentinelFailoverTest : public SharedBrokersTest {
 protected:
  bool RedisBehindSentinel() const override { return true; }
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"redis_ttl_s", "3"},
            {"presence_grace_ms", "0"},
            {"presence_min_interval_ms", "0"},
            {"user_refresh_ms", "100"}};
  }

  // Every stored message of `conv` in seq order; fails the test on a seq gap or a
  // client_msg_id stored twice.
  std::set<std::string> StoredIds(ChatTestClient& reader, int64_t conv) {
    std::set<std::string> ids;
    int64_t last_seq = 0;
    for (bool more = true; more;) {
      auto page = reader.Request(protocol::Op::kHistory, conv,
                                 {{"after_seq", last_seq}, {"limit", 100}});
      EXPECT_TRUE(page.ok()) << page.Describe();
      if (!page.ok()) break;
      for (const auto& m : (*page.body)["messages"]) {
        const int64_t seq = m["seq"].get<int64_t>();
        EXPECT_EQ(seq, last_seq + 1) << "a seq gap";
        last_seq = seq;
        EXPECT_TRUE(ids.insert(m["client_msg_id"].get<std::string>()).second)
            << "stored twice: " << m.dump();
      }
      more = (*page.body)["has_more"].get<bool>();
    }
    return ids;
  }
};

TEST_F(RedisSentinelFailoverTest, BrokersFollowTheMasterThroughSentinel) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  for (int b = 0; b < BrokerCount(); ++b) {
    Login(b, "alice", "register")->Disconnect();
    Login(b, "bob", "register")->Disconnect();
    Login(b, "carol", "register")->Disconnect();
  }
  auto alice = Login(0, "alice");
  auto bob = Login(1, "bob");
  const int64_t dm = alice->OpenDirect("bob");
  ASSERT_GT(dm, 0);
  ASSERT_GT(alice->OpenDirect("carol"), 0);
  const int64_t bob_carol = bob->OpenDirect("carol");
  ASSERT_GT(bob_carol, 0);
  ASSERT_EQ(SubscribePresence(*bob, "alice", seconds(5)), 1);
  ASSERT_TRUE(WaitPresence(*bob, "alice", true, seconds(10)));
  ASSERT_TRUE(alice->Send(dm, "before", "m-before").ok());
  ASSERT_EQ(bob->WaitMessages(dm, 1, seconds(5)).size(), 1u) << "no cross-broker delivery";

  std::vector<std::string> acked = {"m-before"};
  const int old_master = sentinels_->master().port();
  ASSERT_EQ(sentinels_->MasterPort(), old_master);
  sentinels_->master().Kill();
  const auto killed = Clock::now();
  // Sends go on during the failover: each is acknowledged (the store does not need Redis)
  // or refused, never falsely acknowledged.
  for (int i = 0; i < 10; ++i) {
    const std::string id = "m-during-" + std::to_string(i);
    auto r = alice->Send(dm, "during " + std::to_string(i), id);
    if (r.ok()) acked.push_back(id);
  }
  ASSERT_TRUE(sentinels_->WaitPromoted(old_master, seconds(20)));
  const auto promoted_ms =
      std::chrono::duration_cast<milliseconds>(Clock::now() - killed).count();

  // Cross-broker delivery works again: a message sent now reaches bob live.
  const auto resumed = WaitFor(
      [&] {
        const std::string id = "m-after-" + std::to_string(acked.size());
        auto r = alice->Send(dm, "after", id);
        if (!r.ok()) return false;
        acked.push_back(id);
        for (const auto& m : bob->WaitMessages(dm, 1, milliseconds(500))) {
          if (m.value("client_msg_id", "") == id) return true;
        }
        return false;
      },
      seconds(15), "a message from broker 1 to reach bob on broker 2 after the failover");
  const auto delivery_ms =
      std::chrono::duration_cast<milliseconds>(Clock::now() - killed).count();
  EXPECT_TRUE(resumed);

  // Presence works again across brokers: carol logs in on broker 1, bob on broker 2 sees her.
  ASSERT_EQ(SubscribePresence(*bob, "carol", seconds(5)), 1);
  auto carol = Login(0, "carol");
  EXPECT_TRUE(WaitPresence(*bob, "carol", true, seconds(10)))
      << "bob (broker 2) never saw carol (broker 1) online after the failover";
  carol->Disconnect();
  EXPECT_TRUE(WaitPresence(*bob, "carol", false, seconds(10)))
      << "bob (broker 2) never saw carol (broker 1) go offline after the failover";
  std::printf("redis sentinel failover: promoted after %lld ms, delivery across brokers after "
              "%lld ms, %zu messages acked\n",
              static_cast<long long>(promoted_ms), static_cast<long long>(delivery_ms),
              acked.size());

  const auto stored = StoredIds(*bob, dm);
  for (const auto& id : acked) EXPECT_EQ(stored.count(id), 1u) << "acked but lost: " << id;
}

}  // namespace
}  // namespace mqchat::test
