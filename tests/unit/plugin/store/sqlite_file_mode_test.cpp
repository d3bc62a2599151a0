// The SQLite database the stores create holds every message and password hash: it, and the WAL
// and shared-memory files beside it, must be private to the broker's user (0600), whatever
// the process umask lets through.
#include <gtest/gtest.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
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

// The other process of OpeningAgainKeepsTheLocksOfOpenConnections: does nothing unless that
// test runs it with MQCHAT_SQLITE_PROBE set to a database path.
TEST(SqliteFileModeTest, ProbeChildOpensReadsCloses) {
  const char* path = std::getenv("MQCHAT_SQLITE_PROBE");
  if (path == nullptr) GTEST_SKIP() << "run by OpeningAgainKeepsTheLocksOfOpenConnections";
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, nullptr);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, "SELECT count(*) FROM users", nullptr, nullptr, nullptr);
  EXPECT_EQ(sqlite3_close(db), SQLITE_OK);
  EXPECT_EQ(rc, SQLITE_OK);
}

// Regression: making the file owner-only must not open and close a descriptor on a database
// this process already has open. Closing any descriptor of a file drops every POSIX lock the
// process holds on it, so another process (mqchatctl) then took itself for the last user,
// checkpointed and deleted the WAL under the broker, and the broker's later commits went to a
// deleted file: users added with mqchatctl vanished, token users were never recorded.
TEST(SqliteFileModeTest, OpeningAgainKeepsTheLocksOfOpenConnections) {
  test::TempDir dir("mqchat-sqlite-mode");
  StoreConfig config;
  config.backend = Backend::kSqlite;
  config.sqlite_path = dir.File("chat.db");
  auto first = OpenChatStore(config);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE((*first)->EnsureUser("alice", 1).ok());
  auto second = OpenChatStore(config);  // the store opens one connection per worker
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_EQ(ModeOf(config.sqlite_path + "-wal"), 0600);

  // Another process opens, reads and closes the database, as mqchatctl does. A fresh process
  // (exec, not just fork: a forked child would inherit SQLite's in-memory lock bookkeeping).
  const std::string filter = "--gtest_filter=SqliteFileModeTest.ProbeChildOpensReadsCloses";
  const std::string env = "MQCHAT_SQLITE_PROBE=" + config.sqlite_path;
  char* argv[] = {const_cast<char*>("mqchat_unit_tests"), const_cast<char*>(filter.c_str()),
                  nullptr};
  char* envp[] = {const_cast<char*>(env.c_str()), nullptr};
  pid_t child = 0;
  ASSERT_EQ(::posix_spawn(&child, "/proc/self/exe", nullptr, nullptr, argv, envp), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  // Still in use here: the other process must have left the WAL in place.
  EXPECT_EQ(ModeOf(config.sqlite_path + "-wal"), 0600);
  ASSERT_TRUE((*second)->EnsureUser("bob", 2).ok());
  EXPECT_EQ(ModeOf(config.sqlite_path + "-wal"), 0600);
}

}  // namespace
}  // namespace mqchat::store
