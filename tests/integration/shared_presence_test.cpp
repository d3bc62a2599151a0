// Two brokers sharing one PostgreSQL and one Redis: presence crosses brokers, a killed broker's
// users go offline within the TTL, and a Redis outage degrades to local presence and recovers.
#include <gtest/gtest.h>

#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/shared_brokers.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

class SharedPresenceTest : public SharedBrokersTest {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"redis_ttl_s", "3"},
            {"presence_grace_ms", "0"},
            {"presence_min_interval_ms", "0"},
            {"user_refresh_ms", "100"}};
  }
};

TEST_F(SharedPresenceTest, PresenceCrossesBrokersAndADeadBrokersUsersGoOffline) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  auto alice = Login(0, "alice");
  auto bob = Login(1, "bob");
  ASSERT_GT(bob->OpenDirect("alice"), 0);
  ASSERT_EQ(bob->mqtt().Subscribe(protocol::PresenceTopic("alice")), 1);
  EXPECT_TRUE(WaitPresence(*bob, "alice", true, std::chrono::seconds(10)))
      << "bob (broker 2) never saw alice (broker 1) online";

  alice->Disconnect();
  EXPECT_TRUE(WaitPresence(*bob, "alice", false, std::chrono::seconds(10)));

  auto alice2 = Login(0, "alice", "d2");
  ASSERT_TRUE(WaitPresence(*bob, "alice", true, std::chrono::seconds(10)));
  brokers_[0]->Kill();  // no goodbye: only the TTL (3 s, checked every 1 s) tells
  const auto killed = std::chrono::steady_clock::now();
  EXPECT_TRUE(WaitPresence(*bob, "alice", false, std::chrono::seconds(10)))
      << "alice still online after her broker died";
  EXPECT_LT(std::chrono::steady_clock::now() - killed, std::chrono::seconds(8));
}

TEST_F(SharedPresenceTest, RedisOutageKeepsBrokersWorkingAndPresenceRecovers) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  Login(0, "carol", "register")->Disconnect();  // token users exist after their first login
  Login(0, "dora", "register")->Disconnect();
  auto bob = Login(1, "bob");
  const int64_t bob_carol = bob->OpenDirect("carol");
  ASSERT_GT(bob_carol, 0);
  ASSERT_EQ(bob->mqtt().Subscribe(protocol::PresenceTopic("carol")), 1);

  redis_->Stop();
  // Brokers keep serving: logins, requests, and local presence on one broker.
  auto local_watcher = Login(0, "dora");
  ASSERT_GT(local_watcher->OpenDirect("carol"), 0);
  ASSERT_EQ(local_watcher->mqtt().Subscribe(protocol::PresenceTopic("carol")), 1);
  auto carol = Login(0, "carol");
  EXPECT_TRUE(WaitPresence(*local_watcher, "carol", true, std::chrono::seconds(10)));
  auto ack = carol->Send(bob_carol, "still works", "r-1");
  EXPECT_TRUE(ack.ok()) << ack.Describe();
  EXPECT_TRUE(brokers_[0]->Running() && brokers_[1]->Running());

  ASSERT_TRUE(redis_->Start());
  // Once Redis is back, broker 1 re-announces its users and broker 2 learns carol is online.
  EXPECT_TRUE(WaitPresence(*bob, "carol", true, std::chrono::seconds(15)))
      << "presence did not recover after Redis returned";
}

TEST_F(SharedPresenceTest, MessagesReachMembersConnectedToAnotherBroker) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  // A token user is recorded in the store after their first login, asynchronously: register
  // bob on broker 1 first, so alice's conversation with him never races his first login on
  // broker 2 (that race answers "no such user" for a few milliseconds).
  Login(0, "bob", "register")->Disconnect();
  // alice's tablet connects to broker 2 before bob, so by the time broker 1 knows of bob's
  // device it knows of hers (shared presence changes arrive in order).
  auto alice_tablet = Login(1, "alice", "tablet");
  auto bob = Login(1, "bob");
  auto alice = Login(0, "alice");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);
  // Once broker 1 knows (through Redis) that bob's device is on broker 2, it routes there.
  ASSERT_EQ(alice->mqtt().Subscribe(protocol::PresenceTopic("bob")), 1);
  ASSERT_TRUE(WaitPresence(*alice, "bob", true, std::chrono::seconds(10)));
  auto ack = alice->Send(conv, "across brokers", "x-1");
  ASSERT_TRUE(ack.ok()) << ack.Describe();
  auto got = bob->WaitMessages(conv, 1);
  ASSERT_EQ(got.size(), 1u) << "bob on broker 2 never got alice's message from broker 1";
  EXPECT_EQ(got[0]["text"], "across brokers");
  auto own = alice_tablet->WaitMessages(conv, 1);
  ASSERT_EQ(own.size(), 1u) << "alice's device on broker 2 never got her own message";
  EXPECT_EQ(own[0]["text"], "across brokers");
  auto reply = bob->Send(conv, "and back", "y-1");
  ASSERT_TRUE(reply.ok()) << reply.Describe();
  auto back = alice->WaitMessages(conv, 1);  // the sending device has its own from the ack
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0]["text"], "and back");
}

}  // namespace
}  // namespace mqchat::test
