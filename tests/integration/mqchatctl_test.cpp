// mqchatctl against both stores: user management, exit codes, and no password on argv.
#include <gtest/gtest.h>

#include "support/chat_server.h"
#include "support/mqtt_test_client.h"
#include "support/subprocess.h"

namespace mqchat::test {
namespace {

class CtlTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    ChatServerOptions opts;
    opts.store = GetParam();
    // Password logins in quick succession: keep the hash budget (issue 29) out of the way.
    opts.plugin_opts = {{"auth_hashes_per_s", "1000"}, {"auth_hash_duty_percent", "100"}};
    server_ = ChatServer::Create(std::move(opts));
  }

  RunResult Ctl(std::vector<std::string> words, const std::string& stdin_text = "") {
    std::vector<std::string> argv = {MQCHATCTL_PATH};
    auto store = server_->CtlStoreArgs();
    argv.insert(argv.end(), store.begin(), store.end());
    argv.insert(argv.end(), words.begin(), words.end());
    return RunCommand(argv, stdin_text);
  }

  std::unique_ptr<ChatServer> server_;
};

TEST_P(CtlTest, ManagesUsersWithClearExitCodes) {
  if (!server_) GTEST_SKIP();
  auto add = Ctl({"user", "add", "zoe"}, "zoe-secret\n");
  EXPECT_EQ(add.exit_code, 0) << add.output;
  auto dup = Ctl({"user", "add", "zoe"}, "other\n");
  EXPECT_EQ(dup.exit_code, 2);
  EXPECT_NE(dup.output.find("exists"), std::string::npos) << dup.output;

  EXPECT_EQ(Ctl({"user", "add", "no+pe"}, "pw\n").exit_code, 2);
  EXPECT_EQ(Ctl({"user", "add", "empty"}, "\n").exit_code, 2);
  EXPECT_EQ(Ctl({"user", "add", "nostdin"}, "").exit_code, 2);
  EXPECT_EQ(Ctl({"user", "disable", "ghost"}).exit_code, 2);
  EXPECT_EQ(Ctl({"user", "frobnicate", "zoe"}).exit_code, 1);
  EXPECT_EQ(Ctl({}).exit_code, 1);

  auto list = Ctl({"user", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.output.find("zoe\tactive"), std::string::npos) << list.output;

  EXPECT_EQ(Ctl({"user", "disable", "zoe"}).exit_code, 0);
  list = Ctl({"user", "list"});
  EXPECT_NE(list.output.find("zoe\tdisabled"), std::string::npos) << list.output;
  EXPECT_EQ(Ctl({"user", "enable", "zoe"}).exit_code, 0);
  EXPECT_EQ(Ctl({"user", "passwd", "zoe"}, "new-secret\n").exit_code, 0);
  EXPECT_EQ(Ctl({"user", "delete", "zoe"}).exit_code, 0);
  list = Ctl({"user", "list"});
  EXPECT_EQ(list.output.find("zoe"), std::string::npos) << list.output;
  EXPECT_EQ(Ctl({"user", "add", "zoe"}, "again\n").exit_code, 2);  // names are never reused
}

TEST_P(CtlTest, PasswordSetByCtlLogsIn) {
  if (!server_) GTEST_SKIP();
  ASSERT_EQ(Ctl({"user", "add", "yan"}, "first-pw\n").exit_code, 0);
  ASSERT_EQ(Ctl({"user", "passwd", "yan"}, "second-pw\n").exit_code, 0);
  ASSERT_TRUE(server_->Start());
  ConnectOptions o;
  o.port = server_->port();
  o.client_id = "yan/cli";
  o.username = "yan";
  o.password = "first-pw";
  MqttTestClient old_pw;
  EXPECT_EQ(old_pw.Connect(o), 0x87);
  o.password = "second-pw";
  MqttTestClient new_pw;
  EXPECT_EQ(new_pw.Connect(o), 0);
}

TEST_P(CtlTest, UnreachableStoreIsExitCode3) {
  if (!server_) GTEST_SKIP();
  auto r = RunCommand({MQCHATCTL_PATH, "--pg", "host=127.0.0.1 port=1 connect_timeout=2",
                       "user", "list"});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  auto s = RunCommand({MQCHATCTL_PATH, "--sqlite", "/nonexistent-dir/x.db", "user", "list"});
  EXPECT_EQ(s.exit_code, 3) << s.output;
}

INSTANTIATE_TEST_SUITE_P(Stores, CtlTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) { return StoreKindName(info.param); });

}  // namespace
}  // namespace mqchat::test
