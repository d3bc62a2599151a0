#include <gtest/gtest.h>

#include "acl/acl.h"
#include "util/rate_limiter.h"

namespace mqchat::acl {
namespace {

TEST(AclPresenceTest, ContactsMayWatchPresenceOnly) {
  std::unordered_set<std::string> contacts = {"bob"};
  Principal alice{"alice", "phone", &contacts};
  EXPECT_TRUE(Allowed(alice, "mqchat/v1/u/bob/presence", Access::kSubscribe, false));
  EXPECT_TRUE(Allowed(alice, "mqchat/v1/u/bob/presence", Access::kRead, false));
  EXPECT_FALSE(Allowed(alice, "mqchat/v1/u/carol/presence", Access::kSubscribe, false));
  EXPECT_FALSE(Allowed(alice, "mqchat/v1/u/+/presence", Access::kSubscribe, false));
  EXPECT_FALSE(Allowed(alice, "mqchat/v1/u/bob/#", Access::kSubscribe, false));
  EXPECT_FALSE(Allowed(alice, "mqchat/v1/u/bob/inbox", Access::kSubscribe, false));
  EXPECT_FALSE(Allowed(alice, "mqchat/v1/u/bob/presence/x", Access::kSubscribe, false));
  EXPECT_FALSE(Allowed(alice, "$share/g/mqchat/v1/u/bob/presence", Access::kSubscribe, false));
  EXPECT_FALSE(Allowed(alice, "mqchat/v1/u/bob/presence", Access::kWrite, false));
  Principal unknown{"alice", "phone", nullptr};
  EXPECT_FALSE(Allowed(unknown, "mqchat/v1/u/bob/presence", Access::kSubscribe, false));
  EXPECT_TRUE(Allowed(unknown, "mqchat/v1/u/alice/presence", Access::kSubscribe, false));
}

TEST(RateLimiterTest, FixedWindowPerKey) {
  RateLimiter r(3, 1000);
  EXPECT_TRUE(r.Allow("a", 0));
  EXPECT_TRUE(r.Allow("a", 1));
  EXPECT_TRUE(r.Allow("a", 2));
  EXPECT_FALSE(r.Allow("a", 3));
  EXPECT_TRUE(r.Allow("b", 3));
  EXPECT_TRUE(r.Allow("a", 1000));
}

}  // namespace
}  // namespace mqchat::acl
