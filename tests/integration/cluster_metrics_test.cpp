// The plugin's cluster metrics (issue 19) on two brokers sharing PostgreSQL and Redis: an inbox
// delivery routed across brokers counts as sent on one and received on the other, presence
// publishes count with connects and disconnects, and the bus gauge follows Redis (down when it
// is killed, up again with one reconnect counted when it returns).
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "protocol/topics.h"
#include "support/free_port.h"
#include "support/metrics_scrape.h"
#include "support/shared_brokers.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

using std::chrono::seconds;

const std::string kRoutedSent = "mqchat_bus_routed_messages_total{direction=\"sent\"}";
const std::string kRoutedReceived = "mqchat_bus_routed_messages_total{direction=\"received\"}";
const std::string kPresence = "mqchat_presence_publishes_total";

class ClusterMetricsTest : public SharedBrokersTest {
 protected:
  std::vector<std::pair<std::string, std::string>> ExtraOptions() const override {
    return {{"redis_ttl_s", "3"},
            {"presence_grace_ms", "0"},
            {"presence_min_interval_ms", "0"},
            {"presence_online_expiry_s", "86400"},  // no refresh publishes during the test
            {"user_refresh_ms", "100"}};
  }
  std::vector<std::pair<std::string, std::string>> NodeOptions(int node) const override {
    return {{"metrics_listen", "127.0.0.1:" + std::to_string(ports_[node - 1])}};
  }

  // `series` on broker `broker` (0-based); -1 if absent.
  double Value(int broker, const std::string& series) const {
    return ScrapeValue(ports_[broker], series);
  }
  // Waits until `series` on `broker` is `want`.
  bool WaitValue(int broker, const std::string& series, double want) const {
    double last = -1;
    const bool ok = WaitFor(
        [&] { return (last = Value(broker, series)) == want; }, seconds(20),
        (series + " on broker " + std::to_string(broker + 1)).c_str());
    EXPECT_TRUE(ok) << series << " on broker " << broker + 1 << " is " << last << ", not "
                    << want;
    return ok;
  }

  const int ports_[2] = {FreePort(), FreePort()};
};

TEST_F(ClusterMetricsTest, RoutedMessagesCountOnBothBrokers) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  Login(0, "bob", "register")->Disconnect();
  auto bob = Login(1, "bob");
  auto alice = Login(0, "alice");
  const int64_t conv = alice->OpenDirect("bob");
  ASSERT_GT(conv, 0);
  // Broker 1 routes to broker 2 once it knows (through Redis) that bob's device is there.
  ASSERT_EQ(alice->mqtt().Subscribe(protocol::PresenceTopic("bob")), 1);
  ASSERT_TRUE(WaitPresence(*alice, "bob", true, seconds(10)));
  // What opening the conversation routed has arrived: the counts are settled.
  WaitValue(1, kRoutedReceived, Value(0, kRoutedSent));
  const double sent = Value(0, kRoutedSent);
  const double received = Value(1, kRoutedReceived);
  const double sent_back = Value(1, kRoutedSent);
  const double received_back = Value(0, kRoutedReceived);

  auto ack = alice->Send(conv, "across brokers", "x-1");
  ASSERT_TRUE(ack.ok()) << ack.Describe();
  ASSERT_EQ(bob->WaitMessages(conv, 1).size(), 1u);
  EXPECT_TRUE(WaitValue(1, kRoutedReceived, received + 1));
  EXPECT_EQ(Value(0, kRoutedSent), sent + 1) << "one message, one routed delivery";
  EXPECT_EQ(Value(1, kRoutedSent), sent_back) << "broker 2 routed nothing";
  EXPECT_EQ(Value(0, kRoutedReceived), received_back);
}

TEST_F(ClusterMetricsTest, PresencePublishesCountConnectsAndDisconnects) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  // Each change of carol's presence is published once by each broker (each keeps its own
  // retained copy for its clients); nothing else publishes presence on these new brokers.
  EXPECT_EQ(Value(0, kPresence), 0);
  EXPECT_EQ(Value(1, kPresence), 0);
  auto carol = Login(0, "carol");
  EXPECT_TRUE(WaitValue(0, kPresence, 1)) << "online";
  EXPECT_TRUE(WaitValue(1, kPresence, 1)) << "online, learnt through Redis";
  carol->Disconnect();
  EXPECT_TRUE(WaitValue(0, kPresence, 2)) << "offline";
  EXPECT_TRUE(WaitValue(1, kPresence, 2)) << "offline, learnt through Redis";
}

TEST_F(ClusterMetricsTest, BusStateFollowsRedis) {
  if (!ready()) GTEST_SKIP() << "servers not available";
  ASSERT_TRUE(WaitValue(0, "mqchat_bus_connected", 1));
  ASSERT_TRUE(WaitValue(1, "mqchat_bus_connected", 1));
  EXPECT_EQ(Value(0, "mqchat_bus_reconnects_total"), 0);

  redis_->Kill();
  EXPECT_TRUE(WaitValue(0, "mqchat_bus_connected", 0));
  EXPECT_TRUE(WaitValue(1, "mqchat_bus_connected", 0));
  ASSERT_TRUE(redis_->Start());
  EXPECT_TRUE(WaitValue(0, "mqchat_bus_connected", 1));
  EXPECT_TRUE(WaitValue(1, "mqchat_bus_connected", 1));
  EXPECT_TRUE(WaitValue(0, "mqchat_bus_reconnects_total", 1));
  EXPECT_TRUE(WaitValue(1, "mqchat_bus_reconnects_total", 1));
}

}  // namespace
}  // namespace mqchat::test
