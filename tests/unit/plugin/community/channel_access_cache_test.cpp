// ChannelAccessCache (issue 18): loads replace a user's access, an invalidation empties a
// server's entries at once and refuses a load that began before it.
#include "community/channel_access_cache.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace mqchat::community {
namespace {

store::ChannelAccess Entry(int64_t server, int64_t channel, PermissionSet perms) {
  store::ChannelAccess a;
  a.server_id = server;
  a.channel_id = channel;
  a.permissions = perms;
  return a;
}

TEST(ChannelAccessCacheTest, ALoadGivesPermissionsAndViewableChannels) {
  ChannelAccessCache cache;
  EXPECT_FALSE(cache.Loaded("bob"));
  EXPECT_EQ(cache.Viewable("bob"), nullptr);
  ASSERT_TRUE(cache.Apply("bob", cache.BeginLoad(),
                          {Entry(1, 0, kViewChannel), Entry(1, 10, kViewChannel | kSendMessages),
                           Entry(1, 11, 0)}));
  EXPECT_TRUE(cache.Loaded("bob"));
  EXPECT_EQ(cache.Permissions("bob", 10), kViewChannel | kSendMessages);
  EXPECT_EQ(cache.Permissions("bob", 11), PermissionSet{0});  // a channel, not viewable
  EXPECT_FALSE(cache.Permissions("bob", 12));                 // not a channel of bob's
  EXPECT_FALSE(cache.Permissions("amy", 10));
  ASSERT_NE(cache.Viewable("bob"), nullptr);
  EXPECT_EQ(*cache.Viewable("bob"), ChannelAccessCache::ChannelSet({10}));
}

TEST(ChannelAccessCacheTest, AnInvalidationEmptiesTheServerAtOnce) {
  ChannelAccessCache cache;
  ASSERT_TRUE(cache.Apply("bob", cache.BeginLoad(),
                          {Entry(1, 10, kViewChannel), Entry(2, 20, kViewChannel)}));
  ASSERT_TRUE(cache.Apply("amy", cache.BeginLoad(), {Entry(2, 20, kViewChannel)}));
  auto affected = cache.Invalidate(1);
  EXPECT_EQ(affected, std::vector<std::string>({"bob"}));
  EXPECT_FALSE(cache.Permissions("bob", 10));  // stale: nothing until loaded again
  EXPECT_TRUE(cache.IsChannel("bob", 10));     // but still known as a channel
  EXPECT_EQ(cache.Permissions("bob", 20), kViewChannel);  // another server stays
  EXPECT_EQ(*cache.Viewable("bob"), ChannelAccessCache::ChannelSet({20}));
  // Loaded again: back.
  ASSERT_TRUE(cache.Apply("bob", cache.BeginLoad(),
                          {Entry(1, 10, kViewChannel), Entry(2, 20, kViewChannel)}));
  EXPECT_EQ(cache.Permissions("bob", 10), kViewChannel);
  affected = cache.Invalidate(2);
  std::sort(affected.begin(), affected.end());
  EXPECT_EQ(affected, std::vector<std::string>({"amy", "bob"}));
  EXPECT_EQ(cache.Viewable("amy"), nullptr);
}

TEST(ChannelAccessCacheTest, ALoadOlderThanAnInvalidationOfItsServerIsRefused) {
  ChannelAccessCache cache;
  const auto token = cache.BeginLoad();
  cache.Invalidate(1);  // a change committed while the load was on the writer
  EXPECT_FALSE(cache.Apply("bob", token, {Entry(1, 10, kViewChannel)}));
  EXPECT_FALSE(cache.Permissions("bob", 10));
  // A change to another server does not concern it.
  const auto later = cache.BeginLoad();
  cache.Invalidate(2);
  EXPECT_TRUE(cache.Apply("bob", later, {Entry(1, 10, kViewChannel)}));
  // Too old to tell: refused.
  const auto ancient = cache.BeginLoad();
  for (size_t i = 0; i <= ChannelAccessCache::kRecentInvalidations; ++i) cache.Invalidate(99);
  EXPECT_FALSE(cache.Apply("amy", ancient, {Entry(3, 30, kViewChannel)}));
}

TEST(ChannelAccessCacheTest, ForgetDropsTheUser) {
  ChannelAccessCache cache;
  ASSERT_TRUE(cache.Apply("bob", cache.BeginLoad(), {Entry(1, 10, kViewChannel)}));
  cache.Forget("bob");
  EXPECT_FALSE(cache.Loaded("bob"));
  EXPECT_TRUE(cache.Invalidate(1).empty());
  EXPECT_FALSE(cache.IsChannel("bob", 10));
}

// Slow mode (migration 026): the channel's interval for plain readers, none for those who may
// manage messages or the channel (Discord's exemption); a stale entry keeps its interval.
TEST(ChannelAccessCacheTest, SlowModeExemptsManagersAndHoldsWhileStale) {
  ChannelAccessCache cache;
  auto slow = [](PermissionSet perms) {
    store::ChannelAccess a = Entry(1, 10, perms);
    a.slow_mode_s = 30;
    return a;
  };
  const PermissionSet plain = kViewChannel | kSendMessages;
  ASSERT_TRUE(cache.Apply("bob", cache.BeginLoad(), {slow(plain), Entry(1, 11, plain)}));
  ASSERT_TRUE(cache.Apply("mod", cache.BeginLoad(), {slow(plain | kManageMessages)}));
  ASSERT_TRUE(cache.Apply("ops", cache.BeginLoad(), {slow(plain | kManageChannels)}));
  EXPECT_EQ(cache.SlowModeMs("bob", 10), 30000);
  EXPECT_EQ(cache.SlowModeMs("bob", 11), 0);  // another channel, no slow mode
  EXPECT_EQ(cache.SlowModeMs("bob", 12), 0);  // not a channel of bob's
  EXPECT_EQ(cache.SlowModeMs("amy", 10), 0);  // not loaded
  EXPECT_EQ(cache.SlowModeMs("mod", 10), 0);
  EXPECT_EQ(cache.SlowModeMs("ops", 10), 0);
  cache.Invalidate(1);
  EXPECT_EQ(cache.SlowModeMs("bob", 10), 30000);  // a change being loaded is no gap
}

}  // namespace
}  // namespace mqchat::community
