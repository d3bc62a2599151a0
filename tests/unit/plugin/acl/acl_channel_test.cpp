// The channel rules of the ACL (issue 18): SUBSCRIBE and READ of mqchat/v1/ch/<id>, exactly,
// for the channels the principal may view now; nothing else that could name a channel.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <unordered_set>

#include "acl/acl.h"

namespace mqchat::acl {
namespace {

TEST(AclChannelTest, OnlyExactTopicsOfViewableChannels) {
  std::unordered_set<int64_t> viewable = {42};
  Principal bob{"bob", "phone", nullptr, &viewable};
  for (Access access : {Access::kSubscribe, Access::kRead}) {
    EXPECT_TRUE(Allowed(bob, "mqchat/v1/ch/42", access, false));
    EXPECT_FALSE(Allowed(bob, "mqchat/v1/ch/43", access, false));  // guessed
  }
  // Not known yet, or nothing viewable: no channel at all.
  Principal unknown{"bob", "phone", nullptr, nullptr};
  EXPECT_FALSE(Allowed(unknown, "mqchat/v1/ch/42", Access::kSubscribe, false));
  EXPECT_FALSE(Allowed(unknown, "mqchat/v1/ch/42", Access::kRead, false));
  // Clients never publish on a channel topic, retained or not.
  EXPECT_FALSE(Allowed(bob, "mqchat/v1/ch/42", Access::kWrite, false));
  EXPECT_FALSE(Allowed(bob, "mqchat/v1/ch/42", Access::kWrite, true));
}

TEST(AclChannelTest, NoWildcardSharedOrNeighbouringFilterReachesAChannel) {
  std::unordered_set<int64_t> viewable = {42};
  Principal bob{"bob", "phone", nullptr, &viewable};
  const char* denied[] = {
      "mqchat/v1/ch/+", "mqchat/v1/ch/#", "mqchat/v1/ch/42/#", "mqchat/v1/ch/42/+",
      "mqchat/v1/+/42", "mqchat/+/ch/42", "+/v1/ch/42", "+/+/+/42", "+/+/+/+", "mqchat/v1/#",
      "mqchat/#", "#", "mqchat/v1/ch/4+", "mqchat/v1/ch/042", "mqchat/v1/ch/+42",
      "mqchat/v1/ch/-42", "mqchat/v1/ch/42/x", "mqchat/v1/ch/42/", "mqchat/v1/ch/", "mqchat/v1/ch",
      "mqchat/v1/ch//42", "/mqchat/v1/ch/42", "mqchat/v2/ch/42", "mqchat/v1/CH/42",
      "$share/g/mqchat/v1/ch/42", "$share/g/mqchat/v1/ch/+", "$share/g/#", "$share/mqchat/v1/ch/42",
  };
  for (const char* f : denied) {
    EXPECT_FALSE(Allowed(bob, f, Access::kSubscribe, false)) << f;
  }
}

}  // namespace
}  // namespace mqchat::acl
