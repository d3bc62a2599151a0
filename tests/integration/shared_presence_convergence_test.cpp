// Three brokers sharing one PostgreSQL and one Redis: presence is derived the same way on every
// broker and converges after each kind of failure (issue 14): contacts from a conversation made
// on another broker, the grace after an unclean loss, a dead broker, a Redis outage and a
// PostgreSQL restart.
#include <gtest/gtest.h>

#include <chrono>

#include "protocol/ops.h"
#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/shared_brokers.h"
#include "support/subprocess.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

constexpr int kTtlS = 3;  // redis_ttl_s: heartbeat every second
// A dead broker's users go offline on every survivor within the TTL plus one heartbeat.
constexpr milliseconds kDeadBrokerBound{kTtlS * 1000 + 1000};
// Slack for a loaded test machine on top of each bound.
constexpr milliseconds kSlack{1500};

class SharedConvergenceTest : public SharedBrokersTest {
 protected:
  int BrokerCount() const override { return 3; }
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"redis_ttl_s", std::to_string(kTtlS)},
            {"presence_grace_ms", std::to_string(GraceMs())},
            {"presence_min_interval_ms", "0"},
            {"user_refresh_ms", "100"}};
  }
  virtual int GraceMs() const { return 0; }

  // Token users exist once they logged in; a login on every broker makes them known to each
  // broker's writer before any request that broker handles afterwards.
  void Register(const std::vector<std::string>& users) {
    for (const auto& user : users) {
      for (int b = 0; b < BrokerCount(); ++b) Login(b, user, "register")->Disconnect();
    }
  }

  // `watcher` (on `broker`) opens a direct conversation with `user` there, watches them and
  // waits for their presence to be `online`.
  std::unique_ptr<ChatTestClient> Watch(int broker, const std::string& watcher,
                                        const std::string& user, bool online) {
    auto w = Login(broker, watcher);
    EXPECT_GT(w->OpenDirect(user), 0);
    EXPECT_EQ(w->mqtt().Subscribe(protocol::PresenceTopic(user)), 1);
    EXPECT_TRUE(WaitPresence(*w, user, online, seconds(10)))
        << watcher << " (broker " << broker + 1 << ") never saw " << user
        << (online ? " online" : " offline");
    return w;
  }
};

// Failure 1: a conversation made on broker 2 lets its members watch each other on brokers 1
// and 3 at once, and a second device of an already-connected user too.
TEST_F(SharedConvergenceTest, NewConversationMakesContactsOnEveryBroker) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  Register({"alice", "bob", "carol"});
  auto alice = Login(0, "alice");
  auto carol = Login(2, "carol");
  auto bob = Login(1, "bob");
  const int64_t group = bob->CreateGroup("trio", {"alice", "carol"});
  ASSERT_GT(group, 0);
  EXPECT_EQ(SubscribePresence(*alice, "bob", seconds(5)), 1)
      << "alice (broker 1) may not watch bob after bob's group was made on broker 2";
  EXPECT_EQ(SubscribePresence(*carol, "alice", seconds(5)), 1)
      << "carol (broker 3) may not watch alice";
  EXPECT_TRUE(WaitPresence(*alice, "bob", true, seconds(10)));
  // A second device of alice on broker 1, and one of carol on broker 2 (where carol had no
  // device when the group was made).
  auto alice_tablet = Login(0, "alice", "tablet");
  EXPECT_EQ(SubscribePresence(*alice_tablet, "carol", seconds(5)), 1);
  auto carol_phone = Login(1, "carol", "phone");
  EXPECT_EQ(SubscribePresence(*carol_phone, "alice", seconds(5)), 1);
}

// Presence `devices` counts every device on every broker and is kept current.
TEST_F(SharedConvergenceTest, DevicesCountIsCurrentOnEveryBroker) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  Register({"alice", "bob"});
  auto phone = Login(0, "alice", "phone");
  auto bob = Watch(1, "bob", "alice", true);
  auto devices_seen = [&](int n) {
    const auto deadline = Clock::now() + seconds(10);
    while (Clock::now() < deadline) {
      auto msg = bob->mqtt().WaitMessage(milliseconds(200), protocol::PresenceTopic("alice"));
      if (!msg) continue;
      auto p = protocol::DecodePresence(msg->payload);
      if (p.ok() && p->devices == n) return true;
    }
    return false;
  };
  auto tablet = Login(2, "alice", "tablet");
  EXPECT_TRUE(devices_seen(2)) << "bob never saw alice active on 2 devices";
  auto laptop = Login(1, "alice", "laptop");
  EXPECT_TRUE(devices_seen(3));
  tablet->Disconnect();
  EXPECT_TRUE(devices_seen(2));
}

class SharedGraceTest : public SharedConvergenceTest {
 protected:
  int GraceMs() const override { return 2500; }

  // Starts a device of `user` on `broker` that sets the device will the SDK sets
  // (mosquitto_sub), so killing it is an unclean loss: the socket closes, the will fires.
  std::unique_ptr<Subprocess> StartDevice(int broker, const std::string& user,
                                          const std::string& device) {
    auto p = std::make_unique<Subprocess>();
    p->Start({"mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(brokers_.at(broker)->port()),
              "-V", "mqttv5", "-i", user + "/" + device, "-u", user, "-P", Token(user),
              "--will-topic", protocol::WillTopic(user, device), "--will-payload",
              protocol::DeviceWillPayload(), "-t", protocol::InboxTopic(user)},
             brokers_.at(broker)->dir() + "/" + user + "-" + device + ".log");
    return p;
  }
};

// Failure 2: the grace after an unclean loss holds for watchers on every broker: a reconnect
// within it shows no flap anywhere, and without one everybody sees offline once it is over.
TEST_F(SharedGraceTest, GraceAfterAnUncleanLossHoldsOnEveryBroker) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  Register({"alice", "bob", "carol"});
  auto alice = StartDevice(0, "alice", "phone");
  auto bob = Watch(1, "bob", "alice", true);
  auto carol = Watch(2, "carol", "alice", true);

  alice->Kill();                             // the link is lost: no DISCONNECT, the will fires
  alice = StartDevice(0, "alice", "phone");  // and comes back at once
  // Nobody sees alice offline: the reconnect came within the grace.
  EXPECT_FALSE(WaitPresence(*bob, "alice", false, milliseconds(GraceMs() + 1500)))
      << "bob (broker 2) saw alice flap offline within the grace";
  EXPECT_FALSE(WaitPresence(*carol, "alice", false, milliseconds(500)))
      << "carol (broker 3) saw alice flap offline within the grace";

  alice->Kill();
  const auto lost = Clock::now();
  ASSERT_TRUE(WaitPresence(*bob, "alice", false, seconds(10)));
  const auto bob_saw = Clock::now() - lost;
  ASSERT_TRUE(WaitPresence(*carol, "alice", false, seconds(10)));
  EXPECT_GE(bob_saw, milliseconds(GraceMs() - 200)) << "offline before the grace ended";
  EXPECT_LT(Clock::now() - lost, milliseconds(GraceMs()) + kSlack);
}

// Failure 3: when a broker dies, every survivor drops its users (not only the first to notice),
// and they stay offline after it restarts.
TEST_F(SharedConvergenceTest, EverySurvivorDropsADeadBrokersUsers) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  Register({"alice", "bob", "carol"});
  auto alice = Login(0, "alice");
  auto bob = Watch(1, "bob", "alice", true);
  auto carol = Watch(2, "carol", "alice", true);
  brokers_[0]->Kill();
  const auto killed = Clock::now();
  EXPECT_TRUE(WaitPresence(*bob, "alice", false, kDeadBrokerBound + kSlack))
      << "bob (broker 2) still sees alice online after her broker died";
  EXPECT_TRUE(WaitPresence(*carol, "alice", false, kDeadBrokerBound + kSlack))
      << "carol (broker 3) still sees alice online after her broker died";
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - killed);
  std::printf("dead broker: converged on both survivors in %lld ms\n",
              static_cast<long long>(took.count()));
  EXPECT_LT(took, kDeadBrokerBound + kSlack);

  // The dead broker comes back; alice logs in on broker 3 and out again: every watcher ends
  // with her offline (no survivor keeps counting her device on the dead broker).
  ASSERT_TRUE(brokers_[0]->Start());
  auto laptop = Login(2, "alice", "laptop");
  EXPECT_TRUE(WaitPresence(*bob, "alice", true, seconds(5)));
  EXPECT_TRUE(WaitPresence(*carol, "alice", true, seconds(5)));
  laptop->Disconnect();
  EXPECT_TRUE(WaitPresence(*bob, "alice", false, seconds(5)));
  EXPECT_TRUE(WaitPresence(*carol, "alice", false, seconds(5)));
}

// Failure 4: a user who disconnects while Redis is down goes offline on the other brokers
// within 2 s of Redis returning.
TEST_F(SharedConvergenceTest, UserWhoLeftDuringARedisOutageGoesOfflineEverywhere) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  Register({"bob", "carol", "dora"});
  auto carol = Login(0, "carol");
  auto bob = Watch(1, "bob", "carol", true);
  auto dora = Watch(2, "dora", "carol", true);
  redis_->Stop();
  carol->Disconnect();
  ASSERT_TRUE(redis_->Start());
  const auto back = Clock::now();
  EXPECT_TRUE(WaitPresence(*bob, "carol", false, seconds(2) + kSlack))
      << "bob (broker 2) still sees carol online after Redis returned";
  EXPECT_TRUE(WaitPresence(*dora, "carol", false, seconds(2) + kSlack))
      << "dora (broker 3) still sees carol online after Redis returned";
  const auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - back);
  std::printf("redis outage: converged %lld ms after Redis returned\n",
              static_cast<long long>(took.count()));
  EXPECT_LT(took, seconds(2) + kSlack);
  // And shared presence works again both ways.
  auto carol2 = Login(2, "carol", "tablet");
  EXPECT_TRUE(WaitPresence(*bob, "carol", true, seconds(5)));
}

// Failure 5: after a PostgreSQL restart, idle store connections work at their first use, and
// a contact load that failed at login is retried once the store is back.
TEST_F(SharedConvergenceTest, StoreWorkAfterAPostgresRestart) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  Register({"erin"});
  std::vector<std::unique_ptr<ChatTestClient>> users;
  std::vector<int64_t> convs;
  for (int i = 0; i < 6; ++i) {  // users spread over the reader workers
    users.push_back(Login(1, "user" + std::to_string(i)));
    convs.push_back(users.back()->OpenDirect("erin"));
    ASSERT_GT(convs.back(), 0);
  }
  ASSERT_TRUE(postgres_->Stop().ok());
  // erin (recorded by Register) logs in while the store is down: her contacts cannot be
  // loaded yet.
  auto erin = Connect(0, "erin");
  ASSERT_TRUE(postgres_->Start().ok());
  for (size_t i = 0; i < users.size(); ++i) {
    auto r = users[i]->Request(protocol::Op::kConversations, 0, nlohmann::json::object());
    EXPECT_TRUE(r.ok()) << "first read of user" << i << " after the restart: " << r.Describe();
  }
  auto sent = users[0]->Send(convs[0], "after the restart", "pg-1");
  EXPECT_TRUE(sent.ok()) << sent.Describe();
  EXPECT_EQ(SubscribePresence(*erin, "user0", seconds(10)), 1)
      << "erin's contacts were never loaded after the store returned";
}

}  // namespace
}  // namespace mqchat::test
