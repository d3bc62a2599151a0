#include "session/contact_index.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace mqchat::session {
namespace {

using ::testing::UnorderedElementsAre;

TEST(ContactIndexTest, BothWaysChangeTogether) {
  ContactIndex index;
  EXPECT_EQ(index.ContactsOf("alice"), nullptr);
  EXPECT_EQ(index.WatchersOf("bob"), nullptr);
  index.Add("alice", "bob");
  index.Add("alice", "bob");    // once
  index.Add("alice", "alice");  // never oneself
  index.Add("carol", "bob");
  index.Add("bob", "alice");
  ASSERT_NE(index.ContactsOf("alice"), nullptr);
  EXPECT_THAT(*index.ContactsOf("alice"), UnorderedElementsAre("bob"));
  ASSERT_NE(index.WatchersOf("bob"), nullptr);
  EXPECT_THAT(*index.WatchersOf("bob"), UnorderedElementsAre("alice", "carol"));
  EXPECT_THAT(*index.WatchersOf("alice"), UnorderedElementsAre("bob"));

  index.Remove("alice", "bob");
  index.Remove("alice", "dave");                  // not a contact: nothing
  index.Remove("erin", "bob");                    // no entry: nothing
  ASSERT_NE(index.ContactsOf("alice"), nullptr);  // known, now nobody
  EXPECT_TRUE(index.ContactsOf("alice")->empty());
  EXPECT_THAT(*index.WatchersOf("bob"), UnorderedElementsAre("carol"));

  index.Forget("carol");
  EXPECT_EQ(index.ContactsOf("carol"), nullptr);
  EXPECT_EQ(index.WatchersOf("bob"), nullptr);  // emptied entries go
  index.Forget("bob");
  EXPECT_EQ(index.WatchersOf("alice"), nullptr);
  index.Forget("nobody");
}

}  // namespace
}  // namespace mqchat::session
