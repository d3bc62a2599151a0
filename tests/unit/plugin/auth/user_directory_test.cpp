// UserDirectory::Apply: which users' sessions end when their rows change (disabled, deleted, or
// credentials changed), and which changes leave them alone.
#include <gtest/gtest.h>

#include "auth/user_directory.h"

namespace mqchat::auth {
namespace {

using store::UserRecord;
using store::UserState;
using Names = std::vector<std::string>;

TEST(UserDirectoryTest, FirstSightOfUsersEndsNoSession) {
  UserDirectory directory;
  EXPECT_EQ(directory.Apply({UserRecord{1, "alice", "h1", UserState::kActive, 1, 0},
                             UserRecord{2, "bob", "h2", UserState::kDisabled, 2, 0}}),
            Names{});
  EXPECT_EQ(directory.max_rev(), 2);
}

TEST(UserDirectoryTest, DisableDeleteAndPasswordChangeEndSessions) {
  UserDirectory directory;
  directory.Apply({UserRecord{1, "alice", "h1", UserState::kActive, 1, 0},
                   UserRecord{2, "bob", "h2", UserState::kActive, 2, 0},
                   UserRecord{3, "carol", "h3", UserState::kActive, 3, 0}});
  EXPECT_EQ(directory.Apply({UserRecord{1, "alice", "h1-new", UserState::kActive, 4, 0}}),
            Names{"alice"});
  EXPECT_EQ(directory.Lookup("alice")->password_hash, "h1-new");
  EXPECT_EQ(directory.Apply({UserRecord{2, "bob", "h2", UserState::kDisabled, 5, 0},
                             UserRecord{3, "carol", "h3", UserState::kDeleted, 6, 0}}),
            (Names{"bob", "carol"}));
}

TEST(UserDirectoryTest, AChangeThatKeepsTheCredentialsEndsNoSession) {
  UserDirectory directory;
  directory.Apply({UserRecord{1, "alice", "h1", UserState::kActive, 1, 0},
                   UserRecord{2, "bob", "h2", UserState::kDisabled, 2, 0}});
  // The same hash with a new rev (another column changed), and a disabled user's new password.
  EXPECT_EQ(directory.Apply({UserRecord{1, "alice", "h1", UserState::kActive, 3, 0},
                             UserRecord{2, "bob", "h2-new", UserState::kDisabled, 4, 0}}),
            Names{});
  // Re-enabling is not an end either.
  EXPECT_EQ(directory.Apply({UserRecord{2, "bob", "h2-new", UserState::kActive, 5, 0}}), Names{});
}

TEST(UserDirectoryTest, ALaterSessionsCutOffEndsSessions) {
  UserDirectory directory;
  directory.Apply({UserRecord{1, "alice", "h1", UserState::kActive, 1, 0, 0}});
  // "Log out everywhere": the same hash, a later cut-off.
  EXPECT_EQ(directory.Apply({UserRecord{1, "alice", "h1", UserState::kActive, 2, 0, 5000}}),
            Names{"alice"});
  EXPECT_EQ(directory.Lookup("alice")->sessions_valid_after_ms, 5000);
  // The same cut-off again (another column changed) ends nothing.
  EXPECT_EQ(directory.Apply({UserRecord{1, "alice", "h1", UserState::kActive, 3, 0, 5000}}),
            Names{});
}

}  // namespace
}  // namespace mqchat::auth
