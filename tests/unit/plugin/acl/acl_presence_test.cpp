#include <gtest/gtest.h>

#include "acl/acl.h"
#include "util/rate_limiter.h"

namespace mqchat::acl {
namespace {

TEST(AclPresenceTest, TheUserAndContactsMayWatchPresenceOnly) {
  std::unordered_set<std::string> contacts = {"bob"};
  Principal alice{"alice", "phone", &contacts};
  for (Access access : {Access::kSubscribe, Access::kRead}) {
    EXPECT_TRUE(Allowed(alice, "mqchat/v1/p/bob", access, false));    // a contact
    EXPECT_TRUE(Allowed(alice, "mqchat/v1/p/alice", access, false));  // herself
    EXPECT_FALSE(Allowed(alice, "mqchat/v1/p/carol", access, false));  // a stranger
  }
  // A user whose contacts are not known yet watches only herself.
  Principal unknown{"alice", "phone", nullptr};
  EXPECT_FALSE(Allowed(unknown, "mqchat/v1/p/bob", Access::kSubscribe, false));
  EXPECT_FALSE(Allowed(unknown, "mqchat/v1/p/bob", Access::kRead, false));
  EXPECT_TRUE(Allowed(unknown, "mqchat/v1/p/alice", Access::kSubscribe, false));
}

TEST(AclPresenceTest, NoWildcardSharedOrNeighbouringFilterReachesPresence) {
  std::unordered_set<std::string> contacts = {"bob"};
  Principal alice{"alice", "phone", &contacts};
  const char* denied[] = {
      // Wildcards at every level of mqchat/v1/p/<user>, and around it.
      "mqchat/v1/p/+", "mqchat/v1/p/#", "mqchat/v1/p/+/#", "mqchat/v1/+/bob", "mqchat/v1/+/alice",
      "mqchat/+/p/bob", "+/v1/p/bob", "mqchat/+/+/bob", "+/+/+/+", "mqchat/v1/#", "mqchat/#",
      "#", "+/#", "mqchat/v1/p/bo+", "mqchat/v1/p/bob#", "mqchat/v1/p/alice/#",
      // Extra, missing or empty levels.
      "mqchat/v1/p/bob/x", "mqchat/v1/p/bob/", "mqchat/v1/p/", "mqchat/v1/p", "mqchat/v1/p//bob",
      "/mqchat/v1/p/bob", "mqchat/v2/p/bob", "MQCHAT/v1/p/bob", "mqchat/v1/P/bob",
      // Shared subscriptions, to a contact's presence and to her own.
      "$share/g/mqchat/v1/p/bob", "$share/g/mqchat/v1/p/alice", "$share/g/mqchat/v1/p/+",
      "$share/mqchat/v1/p/bob",
      // The old topic: no longer part of the protocol, so a contact's is closed.
      "mqchat/v1/u/bob/presence", "mqchat/v1/u/+/presence", "mqchat/v1/u/bob/#",
      "mqchat/v1/u/bob/inbox"};
  for (const char* f : denied) {
    EXPECT_FALSE(Allowed(alice, f, Access::kSubscribe, false)) << f;
  }
  for (const char* t : {"mqchat/v1/u/bob/presence", "mqchat/v1/p/bob/x", "mqchat/v1/p/carol"}) {
    EXPECT_FALSE(Allowed(alice, t, Access::kRead, false)) << t;
  }
}

TEST(AclPresenceTest, NobodyPublishesPresence) {
  std::unordered_set<std::string> contacts = {"bob"};
  Principal alice{"alice", "phone", &contacts};
  for (const char* t : {"mqchat/v1/p/alice", "mqchat/v1/p/bob", "mqchat/v1/p/carol",
                        "mqchat/v1/p/alice/x", "mqchat/v1/p", "mqchat/v1/u/alice/presence",
                        "mqchat/v1/u/bob/presence"}) {
    EXPECT_FALSE(Allowed(alice, t, Access::kWrite, false)) << t;
    EXPECT_FALSE(Allowed(alice, t, Access::kWrite, /*retain=*/true)) << t;
  }
}

TEST(RateLimiterTest, PerWindowLimitsEachKey) {
  RateLimiter r = RateLimiter::PerWindow(3, 1000);
  EXPECT_TRUE(r.Allow("a", 0));
  EXPECT_TRUE(r.Allow("a", 1));
  EXPECT_TRUE(r.Allow("a", 2));
  EXPECT_FALSE(r.Allow("a", 3));
  EXPECT_TRUE(r.Allow("b", 3));
  EXPECT_TRUE(r.Allow("a", 1000));
}

}  // namespace
}  // namespace mqchat::acl
