// The SQLite database the stores create holds every message and password hash: it, and the WAL
// and shared-memory files beside it, must be private to the broker's user (0600), whatever
// the process umask lets through.
#include <sys/stat.h>
#include <sys/types.h>

#include <gtest/gtest.h>

#include <string>

#include "store/store_config.h"
#include "store/store_factory.h"
#include "support/temp_dir.h"

namespace mqchat::store {
namespace {

// Sets the process umask for one test and restores it after (the test runs on one thread
// before any store thread exists).
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }
  ScopedUmask(const ScopedUmask&) = delete;
  ScopedUmask& operator=(const ScopedUmask&) = delete;

 private:
  mode_t old_;
};

// The permission bits of `path`, or -1 if it does not exist.
int ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

TEST(SqliteFileModeTest, NewDatabaseAndItsWalAndShmAreOwnerOnly) {
  test::TempDir dir("mqchat-sqlite-mode");
  StoreConfig config;
  config.backend = Backend::kSqlite;
  config.sqlite_path = dir.File("chat.db");
  ScopedUmask umask_022(022);  // a common default, which lets everyone read new files

  auto accounts = OpenAccountStore(config);
  ASSERT_TRUE(accounts.ok()) << accounts.status().ToString();
  auto chats = OpenChatStore(config);  // a second connection keeps the WAL and -shm in place
  ASSERT_TRUE(chats.ok()) << chats.status().ToString();
  ASSERT_TRUE((*chats)->EnsureUser("alice", 1).ok());  // a write: the WAL has content

  EXPECT_EQ(ModeOf(config.sqlite_path), 0600);
  EXPECT_EQ(ModeOf(config.sqlite_path + "-wal"), 0600);
  EXPECT_EQ(ModeOf(config.sqlite_path + "-shm"), 0600);
}

TEST(SqliteFileModeTest, ExistingDatabaseKeepsTheModeItWasGiven) {
  // An operator who chose another mode (say, group-readable for a backup user) keeps it.
  test::TempDir dir("mqchat-sqlite-mode");
  StoreConfig config;
  config.backend = Backend::kSqlite;
  config.sqlite_path = dir.File("chat.db");
  {
    auto first = OpenChatStore(config);
    ASSERT_TRUE(first.ok()) << first.status().ToString();
  }
  ASSERT_EQ(::chmod(config.sqlite_path.c_str(), 0640), 0);
  auto again = OpenChatStore(config);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(ModeOf(config.sqlite_path), 0640);
}

}  // namespace
}  // namespace mqchat::store
