#include "presence/presence_tracker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

namespace mqchat::presence {
namespace {

PresenceOptions Opts(int64_t grace = 1000, int64_t interval = 0) {
  PresenceOptions o;
  o.grace_ms = grace;
  o.min_interval_ms = interval;
  return o;
}

TEST(PresenceTrackerTest, OnlineWhileAnyDeviceConnected) {
  PresenceTracker t(Opts());
  t.DeviceConnected("alice", 100);
  auto c = t.Poll(100);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].online);
  EXPECT_EQ(c[0].devices, 1);
  t.DeviceConnected("alice", 200);  // second device: still online, the count follows
  c = t.Poll(200);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].online);
  EXPECT_EQ(c[0].devices, 2);
  EXPECT_TRUE(t.Poll(250).empty()) << "nothing new to say";
  t.DeviceDisconnected("alice", 300);  // one left: still online
  c = t.Poll(300);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].online);
  EXPECT_EQ(c[0].devices, 1);
  t.DeviceDisconnected("alice", 400);  // clean: offline at once
  c = t.Poll(400);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_FALSE(c[0].online);
  EXPECT_EQ(c[0].last_seen_ms, 400);
}

TEST(PresenceTrackerTest, TakeoverNeverFlaps) {
  PresenceTracker t(Opts());
  t.DeviceConnected("bob", 0);
  t.Poll(0);
  // The broker's order for a takeover: auth of the new connection, then the old one's end.
  t.DeviceConnected("bob", 10);
  t.DeviceDisconnected("bob", 11);
  EXPECT_TRUE(t.Poll(12).empty());
  EXPECT_TRUE(t.Current("bob").online);
}

TEST(PresenceTrackerTest, UncleanLossWaitsForGraceAndQuickReconnectIsSilent) {
  PresenceTracker t(Opts(/*grace=*/1000));
  t.DeviceConnected("carol", 0);
  t.Poll(0);
  t.DeviceDisconnected("carol", 100);
  t.MarkUnclean("carol", 100);
  EXPECT_TRUE(t.Poll(500).empty()) << "within grace";
  t.DeviceConnected("carol", 600);  // back in time
  EXPECT_TRUE(t.Poll(2000).empty()) << "watchers never saw carol leave";
  t.DeviceDisconnected("carol", 3000);
  t.MarkUnclean("carol", 3000);
  EXPECT_TRUE(t.Poll(3999).empty());
  auto c = t.Poll(4000);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_FALSE(c[0].online);
  EXPECT_EQ(c[0].last_seen_ms, 3000);
}

TEST(PresenceTrackerTest, InGraceOnlyWhileAnUncleanLossHoldsTheUserOnline) {
  PresenceTracker t(Opts(/*grace=*/1000));
  t.DeviceConnected("carol", 0);
  t.Poll(0);
  EXPECT_FALSE(t.InGrace("carol", 0)) << "connected";
  t.DeviceDisconnected("carol", 100);
  t.MarkUnclean("carol", 100);
  EXPECT_TRUE(t.InGrace("carol", 500));
  EXPECT_FALSE(t.InGrace("carol", 1100)) << "grace over";
  t.DeviceConnected("carol", 600);
  EXPECT_FALSE(t.InGrace("carol", 700)) << "back";
  t.DeviceDisconnected("carol", 800);  // clean
  EXPECT_FALSE(t.InGrace("carol", 800));
}

TEST(PresenceTrackerTest, DevicesCountIsCoalescedLikeTheRest) {
  PresenceTracker t(Opts(/*grace=*/0, /*interval=*/1000));
  t.DeviceConnected("dan", 0);
  ASSERT_EQ(t.Poll(0).size(), 1u);
  t.DeviceConnected("dan", 100);
  t.SetRemoteDevices("dan", 2, 200);
  EXPECT_TRUE(t.Poll(500).empty()) << "within the interval";
  auto c = t.Poll(1000);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].devices, 4) << "the latest count, local and remote";
}

TEST(PresenceTrackerTest, BurstsAreCoalescedToTheLatestState) {
  PresenceTracker t(Opts(/*grace=*/0, /*interval=*/1000));
  t.DeviceConnected("dan", 0);
  ASSERT_EQ(t.Poll(0).size(), 1u);
  for (int i = 1; i <= 20; ++i) {  // 10 quick disconnect/reconnect cycles
    if (i % 2) {
      t.DeviceDisconnected("dan", i * 10);
    } else {
      t.DeviceConnected("dan", i * 10);
    }
    EXPECT_TRUE(t.Poll(i * 10).empty());
  }
  t.DeviceDisconnected("dan", 300);
  EXPECT_TRUE(t.Poll(999).empty()) << "inside the interval";
  auto c = t.Poll(1000);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_FALSE(c[0].online);
}

TEST(PresenceTrackerTest, DisconnectOfUnknownUserIsIgnored) {
  PresenceTracker t(Opts());
  t.DeviceDisconnected("ghost", 0);
  t.MarkUnclean("ghost", 0);
  EXPECT_TRUE(t.Poll(10).empty());
  EXPECT_TRUE(t.OnlineUsers().empty());
}

TEST(PresenceTrackerTest, IsOnlineCountsLocalAndRemoteDevicesAtOnce) {
  PresenceTracker t(Opts(/*grace=*/1000));
  const OnlineDirectory& online = t;  // what the push path sees
  EXPECT_FALSE(online.IsOnline("erin"));
  t.DeviceConnected("erin", 0);
  EXPECT_TRUE(online.IsOnline("erin")) << "before any Poll";
  t.DeviceDisconnected("erin", 10);
  t.MarkUnclean("erin", 10);
  EXPECT_FALSE(online.IsOnline("erin")) << "no device, although offline is not published yet";
  t.SetRemoteDevices("erin", 2, 20);  // another broker has two
  EXPECT_TRUE(online.IsOnline("erin"));
  t.SetRemoteDevices("erin", 0, 30);
  EXPECT_FALSE(online.IsOnline("erin"));
  t.SetRemoteDevices("fay", 1, 30);  // known only from another broker
  EXPECT_TRUE(online.IsOnline("fay"));
  t.Poll(5000);  // offline published: erin is forgotten
  EXPECT_FALSE(online.IsOnline("erin"));
  EXPECT_TRUE(online.IsOnline("fay"));
}

TEST(PresenceTrackerTest, IsOnlineMayBeAskedFromAnotherThread) {
  PresenceTracker t(Opts(/*grace=*/0));
  t.DeviceConnected("anchor", 0);
  std::atomic<bool> stop{false};
  std::atomic<int> anchor_missing{0};
  std::thread reader([&] {
    while (!stop.load()) {
      if (!t.IsOnline("anchor")) ++anchor_missing;
      t.IsOnline("u" + std::to_string(anchor_missing.load() % 7));
    }
  });
  // Inserts (rehashing the table), count changes and erasures while the reader looks up.
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < 500; ++i) t.DeviceConnected("u" + std::to_string(i), round);
    for (int i = 0; i < 500; ++i) t.DeviceDisconnected("u" + std::to_string(i), round);
    t.Poll(round);
  }
  stop = true;
  reader.join();
  EXPECT_EQ(anchor_missing.load(), 0);
  EXPECT_FALSE(t.IsOnline("u1"));
}

}  // namespace
}  // namespace mqchat::presence
