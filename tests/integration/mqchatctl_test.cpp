// mqchatctl against both stores: user management, exit codes (0 ok, 1 refused, 2 usage,
// 3 store), the password policy, --json, tokens only for existing users, and no password on argv.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/chat_server.h"
#include "support/mqtt_test_client.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"
#include "support/test_paths.h"

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

  // Runs mqchatctl with --config: a mosquitto.conf naming this server's store and an HS256
  // secret, as an operator minting tokens would.
  RunResult CtlWithConfig(std::vector<std::string> words) {
    const std::string conf = dir_.File("mosquitto.conf");
    std::ofstream out(conf);
    out << "plugin /usr/local/lib/mqchat/mqchat_plugin.so\n";
    const auto& store = server_->store_config();
    if (store.backend == store::Backend::kSqlite) {
      out << "plugin_opt_store sqlite\nplugin_opt_sqlite_path " << store.sqlite_path << "\n";
    } else {
      out << "plugin_opt_store postgres\nplugin_opt_pg_conninfo " << store.pg_conninfo << "\n";
    }
    out << "plugin_opt_jwt_hs256_secret " << std::string(40, 's') << "\n";
    out.close();
    std::vector<std::string> argv = {MQCHATCTL_PATH, "--config", conf};
    argv.insert(argv.end(), words.begin(), words.end());
    return RunCommand(argv);
  }

  TempDir dir_;
  std::unique_ptr<ChatServer> server_;
};

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_P(CtlTest, ManagesUsersWithClearExitCodes) {
  if (!server_) GTEST_SKIP();
  auto add = Ctl({"user", "add", "zoe"}, "zoe-secret\n");
  EXPECT_EQ(add.exit_code, 0) << add.output;
  auto dup = Ctl({"user", "add", "zoe"}, "other-secret\n");
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_TRUE(Contains(dup.output, "exists")) << dup.output;

  EXPECT_EQ(Ctl({"user", "add", "no+pe"}, "pw-secret\n").exit_code, 1);
  EXPECT_EQ(Ctl({"user", "add", "empty"}, "\n").exit_code, 1);
  EXPECT_EQ(Ctl({"user", "add", "nostdin"}, "").exit_code, 1);
  EXPECT_EQ(Ctl({"user", "disable", "ghost"}).exit_code, 1);
  EXPECT_EQ(Ctl({"user", "frobnicate", "zoe"}).exit_code, 2);
  EXPECT_EQ(Ctl({}).exit_code, 2);

  auto list = Ctl({"user", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_TRUE(Contains(list.output, "zoe\tactive")) << list.output;

  EXPECT_EQ(Ctl({"user", "disable", "zoe"}).exit_code, 0);
  list = Ctl({"user", "list"});
  EXPECT_TRUE(Contains(list.output, "zoe\tdisabled")) << list.output;
  EXPECT_EQ(Ctl({"user", "enable", "zoe"}).exit_code, 0);
  EXPECT_EQ(Ctl({"user", "passwd", "zoe"}, "new-secret\n").exit_code, 0);
  EXPECT_EQ(Ctl({"user", "delete", "zoe"}).exit_code, 0);
  list = Ctl({"user", "list"});
  EXPECT_FALSE(Contains(list.output, "zoe")) << list.output;
  // --all shows deleted users too.
  list = Ctl({"user", "list", "--all"});
  EXPECT_TRUE(Contains(list.output, "zoe\tdeleted")) << list.output;
}

// Re-adding a deleted name is refused saying why: the name is the deleted user's for good.
TEST_P(CtlTest, ReAddingADeletedNameSaysItIsDeletedForGood) {
  if (!server_) GTEST_SKIP();
  ASSERT_EQ(Ctl({"user", "add", "vic"}, "vic-secret\n").exit_code, 0);
  ASSERT_EQ(Ctl({"user", "delete", "vic"}).exit_code, 0);
  for (const char* name : {"vic", "VIC"}) {
    auto again = Ctl({"user", "add", name}, "vic-secret-2\n");
    EXPECT_EQ(again.exit_code, 1) << again.output;
    EXPECT_TRUE(Contains(again.output, "deleted")) << again.output;
    EXPECT_TRUE(Contains(again.output, "never be reused")) << again.output;
  }
}

TEST_P(CtlTest, PasswordPolicyAppliesToAddAndPasswd) {
  if (!server_) GTEST_SKIP();
  struct Case {
    const char* password;
    const char* reason;
  } refused[] = {{"abc\n", "at least 8"},
                 {"aaaaaaaaaa\n", "repeated"},
                 {"Walter01\n", "username"}};
  for (const auto& c : refused) {
    auto r = Ctl({"user", "add", "walter01"}, c.password);
    EXPECT_EQ(r.exit_code, 1) << c.password << r.output;
    EXPECT_TRUE(Contains(r.output, c.reason)) << r.output;
  }
  EXPECT_FALSE(Contains(Ctl({"user", "list"}).output, "walter01"));
  ASSERT_EQ(Ctl({"user", "add", "walter01"}, "long-enough\n").exit_code, 0);
  auto r = Ctl({"user", "passwd", "walter01"}, "short\n");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(Contains(r.output, "at least 8")) << r.output;
}

TEST_P(CtlTest, JsonOutputOfListAndShowParses) {
  if (!server_) GTEST_SKIP();
  ASSERT_EQ(Ctl({"user", "add", "ann"}, "ann-secret\n").exit_code, 0);
  ASSERT_EQ(Ctl({"user", "add", "ben"}, "ben-secret\n").exit_code, 0);
  ASSERT_EQ(Ctl({"user", "delete", "ben"}).exit_code, 0);
  auto list = Ctl({"user", "list", "--all", "--json"});
  ASSERT_EQ(list.exit_code, 0) << list.output;
  auto users = nlohmann::json::parse(list.output, nullptr, /*allow_exceptions=*/false);
  ASSERT_TRUE(users.is_array()) << list.output;
  ASSERT_EQ(users.size(), 2u) << list.output;
  EXPECT_EQ(users[0]["username"], "ann");
  EXPECT_EQ(users[0]["state"], "active");
  EXPECT_EQ(users[1]["username"], "ben");
  EXPECT_EQ(users[1]["state"], "deleted");
  EXPECT_TRUE(users[0]["user_id"].is_number_integer());

  auto show = Ctl({"--json", "user", "show", "ANN"});
  ASSERT_EQ(show.exit_code, 0) << show.output;
  auto ann = nlohmann::json::parse(show.output, nullptr, false);
  ASSERT_TRUE(ann.is_object()) << show.output;
  EXPECT_EQ(ann["username"], "ann");
  EXPECT_EQ(ann["user_id"], users[0]["user_id"]);
  EXPECT_EQ(Ctl({"user", "show", "nobody"}).exit_code, 1);
}

// `token NAME` mints only for a user the store has and who may log in.
TEST_P(CtlTest, TokenForAMissingOrDeletedUserIsRefused) {
  if (!server_) GTEST_SKIP();
  auto ghost = CtlWithConfig({"token", "ghost"});
  EXPECT_EQ(ghost.exit_code, 1) << ghost.output;
  EXPECT_TRUE(Contains(ghost.output, "no user ghost")) << ghost.output;
  EXPECT_FALSE(Contains(ghost.output, "eyJ")) << ghost.output;  // no token printed

  ASSERT_EQ(Ctl({"user", "add", "tia"}, "tia-secret\n").exit_code, 0);
  auto ok = CtlWithConfig({"token", "TIA", "60"});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_EQ(ok.output.rfind("eyJ", 0), 0u) << ok.output;
  ASSERT_EQ(Ctl({"user", "delete", "tia"}).exit_code, 0);
  auto deleted = CtlWithConfig({"token", "tia"});
  EXPECT_EQ(deleted.exit_code, 1) << deleted.output;
  EXPECT_TRUE(Contains(deleted.output, "deleted")) << deleted.output;
}

TEST_P(CtlTest, PasswordSetByCtlLogsIn) {
  if (!server_) GTEST_SKIP();
  ASSERT_EQ(Ctl({"user", "add", "yan"}, "first-password\n").exit_code, 0);
  ASSERT_EQ(Ctl({"user", "passwd", "yan"}, "second-password\n").exit_code, 0);
  ASSERT_TRUE(server_->Start());
  ConnectOptions o;
  o.port = server_->port();
  o.client_id = "yan/cli";
  o.username = "yan";
  o.password = "first-password";
  MqttTestClient old_pw;
  EXPECT_EQ(old_pw.Connect(o), 0x87);
  o.password = "second-password";
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

// The command line itself: no store needed, nothing printed but one reason and the usage hint.
TEST(CtlCommandLineTest, UnknownCommandsAndOptionsAreOneLineUsageErrors) {
  const std::string store[] = {"--sqlite", "/nonexistent-dir/x.db"};
  auto cmd = RunCommand({MQCHATCTL_PATH, store[0], store[1], "frobnicate"});
  EXPECT_EQ(cmd.exit_code, 2) << cmd.output;
  EXPECT_TRUE(Contains(cmd.output, "unknown command 'frobnicate'")) << cmd.output;
  EXPECT_TRUE(Contains(cmd.output, "mqchatctl --help")) << cmd.output;
  EXPECT_FALSE(Contains(cmd.output, "Store selection")) << cmd.output;  // not the whole help

  auto sub = RunCommand({MQCHATCTL_PATH, store[0], store[1], "user", "frobnicate", "x"});
  EXPECT_EQ(sub.exit_code, 2) << sub.output;
  EXPECT_TRUE(Contains(sub.output, "unknown command 'frobnicate' after 'user'")) << sub.output;

  auto opt = RunCommand({MQCHATCTL_PATH, "--colour", "red", "user", "list"});
  EXPECT_EQ(opt.exit_code, 2) << opt.output;
  EXPECT_TRUE(Contains(opt.output, "--colour")) << opt.output;
  EXPECT_FALSE(Contains(opt.output, "Store selection")) << opt.output;

  auto none = RunCommand({MQCHATCTL_PATH, "user", "list"});
  EXPECT_EQ(none.exit_code, 2) << none.output;
  EXPECT_TRUE(Contains(none.output, "no store")) << none.output;
}

TEST(CtlCommandLineTest, VersionAndHelp) {
  auto version = RunCommand({MQCHATCTL_PATH, "--version"});
  EXPECT_EQ(version.exit_code, 0) << version.output;
  EXPECT_EQ(version.output.rfind("mqchatctl ", 0), 0u) << version.output;
  auto help = RunCommand({MQCHATCTL_PATH, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(Contains(help.output, "user list [--all]")) << help.output;
}

INSTANTIATE_TEST_SUITE_P(Stores, CtlTest,
                         ::testing::Values(StoreKind::kSqlite, StoreKind::kPostgres),
                         [](const auto& info) { return StoreKindName(info.param); });

}  // namespace
}  // namespace mqchat::test
