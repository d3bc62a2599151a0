#include "presence/presence_service.h"

#include <gtest/gtest.h>

#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/fakes/fake_clock.h"
#include "support/fakes/recording_broker_api.h"

namespace mqchat::presence {
namespace {

class PresenceServiceTest : public ::testing::Test {
 protected:
  PresenceServiceTest() {
    config_.grace_ms = 3000;
    config_.min_interval_ms = 0;
    config_.online_expiry_s = 10;  // refreshed every 5 s
  }

  std::unique_ptr<PresenceService> Make() {
    auto service = PresenceService::Create(config_, 1, broker_, tasks_, clock_);
    EXPECT_TRUE(service.ok()) << service.status().ToString();
    return std::move(service).value();
  }

  // The one publish since the last call, decoded; fails the test unless there is exactly one.
  protocol::WirePresence OnePresence() {
    auto published = broker_.TakePublished();
    EXPECT_EQ(published.size(), 1u);
    if (published.empty()) return {};
    last_ = published.front();
    EXPECT_TRUE(last_.retain);
    EXPECT_EQ(last_.qos, 1);
    auto decoded = protocol::DecodePresence(last_.payload);
    EXPECT_TRUE(decoded.ok());
    EXPECT_EQ(last_.topic, protocol::PresenceTopic(decoded->user));
    return *decoded;
  }

  PresenceConfig config_;
  test::FakeClock clock_;
  test::RecordingBrokerApi broker_;
  BrokerTaskQueue tasks_;
  OutgoingMessage last_;
};

TEST_F(PresenceServiceTest, PublishesRetainedOnlineThatExpiresAndOfflineThatStays) {
  auto presence = Make();
  presence->DeviceConnected("alice");
  EXPECT_TRUE(presence->online().IsOnline("alice"));
  EXPECT_EQ(presence->LocalDevices("alice"), 1);
  presence->OnTick();
  auto p = OnePresence();
  EXPECT_EQ(p.user, "alice");
  EXPECT_TRUE(p.online);
  EXPECT_EQ(p.devices, 1);
  EXPECT_EQ(p.last_seen_ms, clock_.NowMs());
  EXPECT_EQ(last_.message_expiry_s, 10u);

  clock_.AdvanceMs(100);
  presence->DeviceDisconnected("alice");  // clean: offline at the next tick
  EXPECT_FALSE(presence->online().IsOnline("alice"));
  presence->OnTick();
  p = OnePresence();
  EXPECT_FALSE(p.online);
  EXPECT_EQ(p.last_seen_ms, clock_.NowMs());
  EXPECT_EQ(last_.message_expiry_s, 0u);
  presence->OnTick();
  EXPECT_TRUE(broker_.published.empty());
}

TEST_F(PresenceServiceTest, AnUncleanLossWaitsForTheGracePeriod) {
  auto presence = Make();
  presence->DeviceConnected("alice");
  presence->OnTick();
  OnePresence();
  presence->DeviceDisconnected("alice");
  presence->MarkUnclean("alice");  // its will fired
  presence->OnTick();
  EXPECT_TRUE(broker_.published.empty());
  clock_.AdvanceMs(2999);
  presence->OnTick();
  EXPECT_TRUE(broker_.published.empty());
  clock_.AdvanceMs(1);
  presence->OnTick();
  EXPECT_FALSE(OnePresence().online);
}

TEST_F(PresenceServiceTest, RepublishesOnlineUsersAtHalfTheExpiry) {
  auto presence = Make();
  presence->OnTick();  // the first tick only schedules the refresh
  presence->DeviceConnected("alice");
  presence->OnTick();
  OnePresence();
  clock_.AdvanceMs(4999);
  presence->OnTick();
  EXPECT_TRUE(broker_.published.empty());
  clock_.AdvanceMs(1);
  presence->OnTick();
  auto p = OnePresence();
  EXPECT_TRUE(p.online);
  EXPECT_EQ(p.last_seen_ms, clock_.NowMs());  // "online" says when it was published
  EXPECT_EQ(last_.message_expiry_s, 10u);
}

TEST_F(PresenceServiceTest, WithoutRedisNothingIsShared) {
  auto presence = Make();
  EXPECT_FALSE(presence->shared());
  presence->RouteInbox("alice", "{}");
  presence->StopSharing();
  presence->DeviceConnected("alice");  // still counted and published locally
  presence->OnTick();
  EXPECT_TRUE(OnePresence().online);
  EXPECT_TRUE(tasks_.Empty());
}

TEST_F(PresenceServiceTest, ABadRedisUrlIsAConfigError) {
  config_.redis_url = "redis://host:notaport";
  auto presence = PresenceService::Create(config_, 1, broker_, tasks_, clock_);
  ASSERT_FALSE(presence.ok());
  EXPECT_EQ(presence.status().code(), Code::kInvalidArgument);
  EXPECT_NE(presence.status().message().find("plugin_opt_redis_url"), std::string::npos);
}

}  // namespace
}  // namespace mqchat::presence
