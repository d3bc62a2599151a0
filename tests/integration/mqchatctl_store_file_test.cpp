// mqchatctl and the SQLite file on a first deploy: read-only commands never create a store,
// root does not create a database the broker's user cannot write, and a database this user
// can only read fails at once with an error naming the file and the fix.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_paths.h"

namespace mqchat::test {
namespace {

constexpr uid_t kNobody = 65534;

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

RunResult Ctl(const std::string& db, std::vector<std::string> words, const std::string& in = "",
              bool as_nobody = false) {
  std::vector<std::string> argv;
  if (as_nobody) {
    argv = {"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"};
  }
  argv.insert(argv.end(), {MQCHATCTL_PATH, "--sqlite", db});
  argv.insert(argv.end(), words.begin(), words.end());
  return RunCommand(argv, in);
}

TEST(CtlStoreFileTest, CommandsOnAMissingDatabaseNeverCreateIt) {
  TempDir dir;
  const std::string db = dir.File("mqchat.db");
  const std::vector<std::pair<std::vector<std::string>, std::string>> commands = {
      {{"user", "list"}, ""},
      {{"user", "disable", "bob"}, ""},
      {{"user", "enable", "bob"}, ""},
      {{"user", "delete", "bob"}, ""},
      {{"user", "passwd", "bob"}, "new-password\n"}};
  for (const auto& [words, input] : commands) {
    auto r = Ctl(db, words, input);
    EXPECT_EQ(r.exit_code, 3) << words[1] << ": " << r.output;
    EXPECT_NE(r.output.find(db + " does not exist"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("migrate"), std::string::npos) << r.output;
    EXPECT_FALSE(Exists(db)) << words[1] << " created " << db;
    EXPECT_FALSE(Exists(db + "-wal"));
  }
  // The commands that may create it still do.
  EXPECT_EQ(Ctl(db, {"migrate"}).exit_code, 0);
  EXPECT_TRUE(Exists(db));
  auto list = Ctl(db, {"user", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.output;
}

TEST(CtlStoreFileTest, RootRefusesToCreateADatabaseInAnotherUsersFolder) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root";
  TempDir dir;
  const std::string folder = dir.File("broker-data");
  ASSERT_EQ(::mkdir(folder.c_str(), 0700), 0);
  ASSERT_EQ(::chown(folder.c_str(), kNobody, kNobody), 0);
  const std::string db = folder + "/mqchat.db";
  for (const auto& words :
       std::vector<std::vector<std::string>>{{"user", "add", "bob"}, {"migrate"}}) {
    auto r = Ctl(db, words, "bob-password\n");
    EXPECT_EQ(r.exit_code, 1) << r.output;  // refused
    EXPECT_NE(r.output.find("refusing to create " + db + " as root"), std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("sudo -u nobody mqchatctl"), std::string::npos) << r.output;
    EXPECT_FALSE(Exists(db));
  }
  // As the folder's owner it works, and the file is theirs.
  auto add = Ctl(db, {"user", "add", "bob"}, "bob-password\n", /*as_nobody=*/true);
  EXPECT_EQ(add.exit_code, 0) << add.output;
  struct stat st {};
  ASSERT_EQ(::stat(db.c_str(), &st), 0);
  EXPECT_EQ(st.st_uid, kNobody);
}

// Debian's case: root created the file, the broker's user owns the folder and cannot write
// the file. A file it may read (made before databases were created 0600, or chmod'ed) would
// open read-only and fail at the first write; one it may not read (0600, root's) cannot open.
// Either way: refused at once, naming the file and the fix.
TEST(CtlStoreFileTest, ADatabaseThisUserCannotWriteFailsNamingTheFileAndTheFix) {
  TempDir dir;
  const std::string db = dir.File("mqchat.db");
  ASSERT_EQ(Ctl(db, {"migrate"}).exit_code, 0);
  const bool as_nobody = ::geteuid() == 0;
  if (as_nobody) ASSERT_EQ(::chown(dir.path().c_str(), kNobody, kNobody), 0);
  // As root: readable by nobody (0644), then not even that (0600, how the store creates it).
  // Not root: this user's own file made read-only (0444).
  const std::vector<mode_t> modes = as_nobody ? std::vector<mode_t>{0644, 0600}
                                              : std::vector<mode_t>{0444};
  for (mode_t mode : modes) {
    ASSERT_EQ(::chmod(db.c_str(), mode), 0);
    for (const auto& words :
         std::vector<std::vector<std::string>>{{"user", "add", "bob"}, {"user", "list"}}) {
      auto r = Ctl(db, words, "bob-password\n", as_nobody);
      EXPECT_EQ(r.exit_code, 3) << r.output;
      if (mode != 0600) {
        EXPECT_NE(r.output.find("readonly"), std::string::npos) << r.output;
      }
      EXPECT_NE(r.output.find(db), std::string::npos) << r.output;
      EXPECT_NE(r.output.find("owned by another user"), std::string::npos) << r.output;
      EXPECT_NE(r.output.find("sudo -u mosquitto mqchatctl"), std::string::npos) << r.output;
    }
  }
}

}  // namespace
}  // namespace mqchat::test
