#include "acl/acl.h"

#include <gtest/gtest.h>

namespace mqchat::acl {
namespace {

const Principal kAlice{"alice", "phone"};

TEST(AclTest, SubscribeOnlyInsideOwnNamespace) {
  EXPECT_TRUE(Allowed(kAlice, "mqchat/v1/u/alice/inbox", Access::kSubscribe, false));
  EXPECT_TRUE(Allowed(kAlice, "mqchat/v1/u/alice/#", Access::kSubscribe, false));
  EXPECT_TRUE(Allowed(kAlice, "mqchat/v1/u/alice/reply/+", Access::kSubscribe, false));
  const char* denied[] = {"#",
                          "+/#",
                          "mqchat/#",
                          "mqchat/v1/#",
                          "mqchat/v1/u/#",
                          "mqchat/v1/u/+/inbox",
                          "mqchat/+/u/alice/inbox",
                          "+/v1/u/alice/inbox",
                          "mqchat/v1/+/alice/inbox",
                          "mqchat/v1/u/bob/inbox",
                          "mqchat/v1/u/alice",
                          "mqchat/v1/u/alicex/inbox",
                          "$share/g/mqchat/v1/u/alice/inbox",
                          "$share/g/#",
                          "$CONTROL/#",
                          "$SYS/#",
                          "mqchat/v1/req/send",
                          "mqchat/v1/c/+/send"};
  for (const char* f : denied) {
    EXPECT_FALSE(Allowed(kAlice, f, Access::kSubscribe, false)) << f;
  }
}

TEST(AclTest, ReadOnlyOwnNamespace) {
  EXPECT_TRUE(Allowed(kAlice, "mqchat/v1/u/alice/inbox", Access::kRead, false));
  EXPECT_FALSE(Allowed(kAlice, "mqchat/v1/u/bob/inbox", Access::kRead, false));
  EXPECT_FALSE(Allowed(kAlice, "mqchat/v1/req/x", Access::kRead, false));
}

TEST(AclTest, WriteOnlyRequestsAndOwnWill) {
  EXPECT_TRUE(Allowed(kAlice, "mqchat/v1/req/create_group", Access::kWrite, false));
  EXPECT_TRUE(Allowed(kAlice, "mqchat/v1/c/123/send", Access::kWrite, false));
  EXPECT_TRUE(Allowed(kAlice, "mqchat/v1/u/alice/will/phone", Access::kWrite, false));
  const char* denied[] = {"mqchat/v1/u/alice/will/laptop",  // another device's will
                          "mqchat/v1/u/bob/will/phone",     "mqchat/v1/p/alice",
                          "mqchat/v1/p/bob",                "mqchat/v1/u/alice/presence",
                          "mqchat/v1/u/bob/presence",       "mqchat/v1/u/bob/inbox",
                          "mqchat/v1/u/alice/inbox",        "mqchat/v1/req",
                          "mqchat/v1/req/a/b",              "mqchat/v1/c/1",
                          "other/topic",                    "$SYS/x"};
  for (const char* t : denied) {
    EXPECT_FALSE(Allowed(kAlice, t, Access::kWrite, false)) << t;
  }
  EXPECT_FALSE(Allowed(kAlice, "mqchat/v1/req/create_group", Access::kWrite, /*retain=*/true));
}

TEST(AclTest, UnsubscribeAlwaysAllowed) {
  EXPECT_TRUE(Allowed(kAlice, "#", Access::kUnsubscribe, false));
}

}  // namespace
}  // namespace mqchat::acl
