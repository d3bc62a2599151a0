#include "session/device_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mqchat::session {
namespace {

using ::testing::ElementsAre;

int a, b, c, d;  // distinct addresses stand in for broker connections

TEST(DeviceIndexTest, OtherDevicesLeavesOutTheOrigin) {
  DeviceIndex index;
  index.Add("alice", "alice/phone", &a);
  index.Add("alice", "alice/laptop", &b);
  index.Add("bob", "bob/phone", &c);
  EXPECT_THAT(index.OtherDevices("alice", "alice/phone"), ElementsAre("alice/laptop"));
  EXPECT_THAT(index.OtherDevices("alice", "alice/tablet"),
              ElementsAre("alice/phone", "alice/laptop"));
  EXPECT_TRUE(index.OtherDevices("bob", "bob/phone").empty());
  EXPECT_TRUE(index.OtherDevices("carol", "").empty());
}

TEST(DeviceIndexTest, TakeoverIsForgottenConnectionByConnection) {
  DeviceIndex index;
  index.Add("alice", "alice/phone", &a);
  index.Add("alice", "alice/phone", &b);  // the same device reconnecting before the old one left
  index.Add("alice", "alice/laptop", &c);
  EXPECT_THAT(index.OtherDevices("alice", "alice/laptop"), ElementsAre("alice/phone"));
  index.Remove("alice", &a);
  EXPECT_THAT(index.OtherDevices("alice", "alice/laptop"), ElementsAre("alice/phone"));
  index.Remove("alice", &b);
  EXPECT_TRUE(index.OtherDevices("alice", "alice/laptop").empty());
  index.Remove("alice", &c);
  index.Remove("alice", &d);  // unknown connection: nothing happens
  EXPECT_EQ(index.users(), 0u);
}

}  // namespace
}  // namespace mqchat::session
