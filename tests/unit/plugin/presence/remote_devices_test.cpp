#include "presence/remote_devices.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace mqchat::presence {
namespace {

using Affected = std::vector<std::pair<std::string, int>>;

Affected Sorted(Affected a) {
  std::sort(a.begin(), a.end());
  return a;
}

TEST(RemoteDevicesTest, ReplaceDropsUsersMissingFromTheNewState) {
  RemoteDevices r;
  r.Set(2, "alice", 1);
  r.Set(2, "carol", 1);
  r.Set(3, "carol", 2);
  // Broker 2 now has only alice (carol left while its announcements were lost) and dan.
  EXPECT_EQ(Sorted(r.Replace(2, {{"alice", 1}, {"dan", 2}})),
            (Affected{{"carol", 2}, {"dan", 2}}));
  EXPECT_EQ(r.Total("alice"), 1);
  EXPECT_EQ(r.Total("carol"), 2) << "broker 3's devices stay";
  EXPECT_EQ(r.Brokers("carol"), std::vector<int>{3});
  EXPECT_EQ(Sorted(r.Replace(2, {})), (Affected{{"alice", 0}, {"dan", 0}}));
}

TEST(RemoteDevicesTest, ReplaceWithTheSameStateChangesNothing) {
  RemoteDevices r;
  r.Set(2, "alice", 1);
  EXPECT_TRUE(r.Replace(2, {{"alice", 1}}).empty());
  EXPECT_EQ(r.Replace(2, {}), (Affected{{"alice", 0}}));
  EXPECT_EQ(r.Total("alice"), 0);
  EXPECT_TRUE(r.Brokers("alice").empty());
}

}  // namespace
}  // namespace mqchat::presence
