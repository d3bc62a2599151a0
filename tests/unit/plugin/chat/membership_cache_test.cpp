#include "chat/membership_cache.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mqchat::chat {
namespace {

using ::testing::ElementsAre;

store::Conversation Conv(store::ConversationId id, int64_t version,
                         const std::vector<std::string>& names) {
  store::Conversation c;
  c.id = id;
  c.members_version = version;
  for (const auto& name : names) {
    store::Member m;
    m.username = name;
    c.members.push_back(m);
  }
  return c;
}

TEST(MembershipCacheTest, KeepsSortedMembersAndTheirVersionUntilTheTtl) {
  MembershipCache cache(/*ttl_ms=*/1000, /*max_entries=*/10);
  EXPECT_EQ(cache.Get(7, 0), nullptr);
  cache.Put(Conv(7, 3, {"carol", "alice", "bob"}), 0);
  MembersPtr m = cache.Get(7, 999);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->version, 3);
  EXPECT_THAT(m->usernames, ElementsAre("alice", "bob", "carol"));
  EXPECT_TRUE(m->Contains("bob"));
  EXPECT_FALSE(m->Contains("dave"));
  EXPECT_EQ(cache.Get(7, 1000), nullptr);  // expired
}

TEST(MembershipCacheTest, NeverReplacesANewerVersionWithAnOlderOne) {
  MembershipCache cache(1000, 10);
  cache.Put(Conv(7, 2, {"alice", "bob"}), 0);
  // A worker that read before bob's removal finishes after one that read after it.
  MembersPtr kept = cache.Put(Conv(7, 1, {"alice", "bob", "carol"}), 10);
  EXPECT_EQ(kept->version, 2);
  EXPECT_THAT(kept->usernames, ElementsAre("alice", "bob"));
  EXPECT_THAT(cache.Get(7, 10)->usernames, ElementsAre("alice", "bob"));

  MembersPtr newer = cache.Put(Conv(7, 3, {"alice"}), 20);
  EXPECT_EQ(newer->version, 3);
  EXPECT_THAT(cache.Get(7, 20)->usernames, ElementsAre("alice"));
  // The same version again refreshes the entry's lifetime.
  cache.Put(Conv(7, 3, {"alice"}), 900);
  EXPECT_NE(cache.Get(7, 1500), nullptr);
}

TEST(MembershipCacheTest, StaysWithinItsSize) {
  MembershipCache cache(1000, 2);
  cache.Put(Conv(1, 0, {"a"}), 0);
  cache.Put(Conv(2, 0, {"b"}), 0);
  cache.Put(Conv(3, 0, {"c"}), 0);
  EXPECT_LE(cache.size(), 2u);
  EXPECT_NE(cache.Get(3, 0), nullptr);
  cache.Forget(3);
  EXPECT_EQ(cache.Get(3, 0), nullptr);
}

}  // namespace
}  // namespace mqchat::chat
