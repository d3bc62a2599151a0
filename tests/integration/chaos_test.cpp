// A bounded chaos run (issue 14): three brokers on one PostgreSQL and one Redis; a sender sends
// bursts through the brokers while a broker is SIGKILLed, PostgreSQL restarts and Redis is lost,
// in an order fixed by a seed. It prints acked-lost, duplicates and presence convergence times,
// and fails on any acknowledged message lost, any message stored twice, a seq gap or presence
// that does not converge within its bound.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
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

constexpr unsigned kSeed = 14;
constexpr int kTtlS = 3;
constexpr int kBurst = 15;
constexpr milliseconds kDeadBrokerBound{kTtlS * 1000 + 1000};
constexpr milliseconds kRedisBound{2000};
constexpr milliseconds kSlack{1500};

long long MsSince(Clock::time_point t) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - t).count();
}

class ChaosTest : public SharedBrokersTest {
 protected:
  int BrokerCount() const override { return 3; }
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"redis_ttl_s", std::to_string(kTtlS)},
            {"presence_grace_ms", "0"},
            {"presence_min_interval_ms", "0"},
            {"user_refresh_ms", "100"}};
  }

  // Sends kBurst messages, each retried with its client_msg_id until acknowledged (moving to
  // the next broker when the sender's broker is gone) or 20 s pass.
  void Burst() {
    for (int i = 0; i < kBurst; ++i) {
      const std::string id = "chaos-" + std::to_string(next_id_++);
      const auto deadline = Clock::now() + seconds(20);
      bool acked = false;
      while (!acked && Clock::now() < deadline) {
        if (!sender_) ReconnectSender();
        if (!sender_) continue;
        auto r = sender_->Send(dm_, "m " + id, id);
        if (r.ok()) {
          acked = true;
        } else if (!r.body) {
          sender_.reset();  // no answer: the broker is gone or the link broke
        }
      }
      EXPECT_TRUE(acked) << id << " was never acknowledged";
      if (acked) acked_.push_back(id);
    }
  }

  void ReconnectSender() {
    for (int tries = 0; tries < BrokerCount(); ++tries) {
      sender_broker_ = (sender_broker_ + 1) % BrokerCount();
      if (!brokers_[sender_broker_]->Running()) continue;
      sender_ = std::make_unique<ChatTestClient>();
      if (sender_->Connect(brokers_[sender_broker_]->port(), "alice", Token("alice"),
                           "phone") == 0) {
        return;
      }
      sender_.reset();
    }
  }

  // dave's device on `broker`, seen online by both watchers.
  void DaveOnline(int broker) {
    dave_ = Connect(broker, "dave");
    EXPECT_TRUE(WaitPresence(*bob_, "dave", true, seconds(10)));
    EXPECT_TRUE(WaitPresence(*carol_, "dave", true, seconds(10)));
  }

  // Milliseconds until both watchers see dave offline (-1 if either does not within `bound`).
  long long DaveOfflineEverywhere(Clock::time_point since, milliseconds bound) {
    const bool bob_saw = WaitPresence(*bob_, "dave", false, bound + kSlack);
    const bool carol_saw = WaitPresence(*carol_, "dave", false, bound + kSlack);
    return bob_saw && carol_saw ? MsSince(since) : -1;
  }

  void KillBroker() {
    DaveOnline(0);
    brokers_[0]->Kill();
    const auto killed = Clock::now();
    const long long took = DaveOfflineEverywhere(killed, kDeadBrokerBound);
    std::printf("chaos: broker 1 SIGKILLed: dave offline on both survivors after %lld ms\n", took);
    EXPECT_GE(took, 0) << "presence did not converge after the broker died";
    EXPECT_LT(took, (kDeadBrokerBound + kSlack).count());
    Burst();  // the sender moves to a live broker if it was on the dead one
    ASSERT_TRUE(brokers_[0]->Start());
  }

  void RestartPostgres() {
    ASSERT_TRUE(postgres_->Stop().ok());
    // While the store is down a send is refused (retryably) or unanswered, never acknowledged.
    if (sender_) {
      const std::string id = "chaos-" + std::to_string(next_id_++);
      auto r = sender_->Send(dm_, "during the outage", id);
      EXPECT_FALSE(r.ok()) << "acknowledged while PostgreSQL was down: " << r.Describe();
      if (r.body) {
        EXPECT_EQ(r.error_code(), "UNAVAILABLE") << r.Describe();
      }
      retried_.push_back(id);
    }
    ASSERT_TRUE(postgres_->Start().ok());
    const auto back = Clock::now();
    Burst();
    std::printf("chaos: PostgreSQL restarted: a burst of %d acked within %lld ms\n", kBurst,
                MsSince(back));
  }

  void LoseRedis() {
    DaveOnline(0);  // both watchers on other brokers: they learn of dave only through Redis
    redis_->Kill();
    dave_->Disconnect();
    Burst();  // messages do not need Redis
    ASSERT_TRUE(redis_->Start());
    const auto back = Clock::now();
    const long long took = DaveOfflineEverywhere(back, kRedisBound);
    std::printf("chaos: Redis lost: dave offline on every broker %lld ms after it returned\n",
                took);
    EXPECT_GE(took, 0) << "presence did not converge after Redis returned";
    EXPECT_LT(took, (kRedisBound + kSlack).count());
  }

  int64_t dm_ = 0;
  int next_id_ = 0;
  int sender_broker_ = 0;
  std::vector<std::string> acked_;
  std::vector<std::string> retried_;  // refused during an outage: stored at most once, or not
  std::unique_ptr<ChatTestClient> sender_, bob_, carol_, dave_;
};

TEST_F(ChaosTest, NothingAckedIsLostOrDuplicatedAndPresenceConverges) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  const auto started = Clock::now();
  for (const char* user : {"alice", "bob", "carol", "dave"}) {
    for (int b = 0; b < BrokerCount(); ++b) Login(b, user, "register")->Disconnect();
  }
  bob_ = Login(1, "bob");
  carol_ = Login(2, "carol");
  auto dave = Login(1, "dave", "setup");
  ASSERT_GT(dave->OpenDirect("bob"), 0);
  ASSERT_GT(dave->OpenDirect("carol"), 0);
  dave->Disconnect();
  ASSERT_EQ(SubscribePresence(*bob_, "dave", seconds(5)), 1);
  ASSERT_EQ(SubscribePresence(*carol_, "dave", seconds(5)), 1);
  sender_broker_ = BrokerCount() - 1;  // the first connection goes to broker 1, killed below
  ReconnectSender();
  ASSERT_TRUE(sender_);
  dm_ = sender_->OpenDirect("bob");
  ASSERT_GT(dm_, 0);

  std::vector<int> order = {0, 1, 2};
  std::shuffle(order.begin(), order.end(), std::mt19937(kSeed));
  std::printf("chaos: seed %u, order", kSeed);
  for (int e : order) {
    std::printf(" %s", e == 0 ? "broker-kill" : e == 1 ? "pg-restart" : "redis-loss");
  }
  std::printf("\n");
  Burst();
  for (int e : order) {
    if (e == 0) KillBroker();
    if (e == 1) RestartPostgres();
    if (e == 2) LoseRedis();
    if (HasFatalFailure()) return;
  }

  // Every acknowledged message is stored once, and the seqs have no gap.
  auto reader = Login(1, "bob", "reader");
  std::multiset<std::string> stored;
  int64_t last_seq = 0;
  int gaps = 0;
  for (bool more = true; more;) {
    auto page = reader->Request(protocol::Op::kHistory, dm_,
                                {{"after_seq", last_seq}, {"limit", 100}});
    ASSERT_TRUE(page.ok()) << page.Describe();
    for (const auto& m : (*page.body)["messages"]) {
      const int64_t seq = m["seq"].get<int64_t>();
      if (seq != last_seq + 1) ++gaps;
      last_seq = seq;
      stored.insert(m["client_msg_id"].get<std::string>());
    }
    more = (*page.body)["has_more"].get<bool>();
  }
  int lost = 0, duplicates = 0;
  for (const auto& id : acked_) lost += stored.count(id) == 0 ? 1 : 0;
  for (const auto& id : stored) duplicates += stored.count(id) > 1 ? 1 : 0;
  std::printf("chaos: %zu acked, %d acked-lost, %d duplicates, %d seq gaps, %lld ms in all\n",
              acked_.size(), lost, duplicates, gaps, MsSince(started));
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(gaps, 0);
}

}  // namespace
}  // namespace mqchat::test
