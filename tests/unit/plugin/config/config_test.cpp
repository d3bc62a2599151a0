#include "config/config.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"
#include "support/test_paths.h"

namespace mqchat {
namespace {

OptionList Sqlite(OptionList extra = {}) {
  OptionList opts = {{"store", "sqlite"}, {"sqlite_path", "/tmp/x.db"}};
  opts.insert(opts.end(), extra.begin(), extra.end());
  return opts;
}

TEST(ConfigTest, MinimalSqliteConfigHasDefaults) {
  auto c = ParseConfig(Sqlite());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->store.backend, store::Backend::kSqlite);
  EXPECT_EQ(c->store.sqlite_path, "/tmp/x.db");
  EXPECT_EQ(c->max_group_members, 100);
  EXPECT_EQ(c->max_message_chars, 100000);
  EXPECT_EQ(c->node_id, 0);
  EXPECT_EQ(c->store_readers, 4);
  // Passwords go to the API service; over MQTT only where an operator turns it on (issue 29).
  EXPECT_FALSE(c->auth.password_login);
}

TEST(ConfigTest, StoreReadersTakesOneToSixtyFour) {
  for (const auto& [value, expect] :
       std::vector<std::pair<std::string, int>>{{"1", 1}, {"8", 8}, {" 64 ", 64}}) {
    auto c = ParseConfig(Sqlite({{"store_readers", value}}));
    ASSERT_TRUE(c.ok()) << value << ": " << c.status().ToString();
    EXPECT_EQ(c->store_readers, expect);
  }
  struct Case {
    std::string value, expect;
  } bad[] = {{"0", "0 is out of range [1, 64]"},
             {"65", "65 is out of range [1, 64]"},
             {"-4", "out of range"},
             {"four", "'four' is not an integer"},
             {"4.5", "not an integer"},
             {"", "has no value"}};
  for (const auto& tc : bad) {
    auto c = ParseConfig(Sqlite({{"store_readers", tc.value}}));
    ASSERT_FALSE(c.ok()) << "store_readers=" << tc.value;
    EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
    EXPECT_NE(c.status().message().find("plugin_opt_store_readers: "), std::string::npos)
        << c.status().message();
    EXPECT_NE(c.status().message().find(tc.expect), std::string::npos) << c.status().message();
  }
}

TEST(ConfigTest, ValuesAreTrimmedIncludingTrailingWhitespace) {
  auto c = ParseConfig({{"store", "postgres "}, {"pg_conninfo", " host=127.0.0.1 port=5 \t"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->store.backend, store::Backend::kPostgres);
  EXPECT_EQ(c->store.pg_conninfo, "host=127.0.0.1 port=5");
}

TEST(ConfigTest, UnknownOptionIsNamed) {
  auto c = ParseConfig(Sqlite({{"max_grup_members", "5"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
  EXPECT_NE(c.status().message().find("plugin_opt_max_grup_members"), std::string::npos);
  EXPECT_NE(c.status().message().find("unknown"), std::string::npos);
}

TEST(ConfigTest, BadValuesAreRefusedWithTheOptionName) {
  struct Case {
    std::string key, value, expect;
  } cases[] = {
      {"node_id", "1024", "out of range"}, {"node_id", "1023", "out of range"}, {"node_id", "-1", "out of range"},
      {"node_id", "12abc", "not an integer"}, {"node_id", "99999999999999", "not an integer"},
      {"max_group_members", "1", "out of range"}, {"max_message_chars", "", "no value"},
      {"auth_fail_max", "0", "out of range"}, {"jwt_hs256_secret", "short", "at least 32"},
      {"jwt_rs256_public_key_file", "/nonexistent/key.pem", "cannot read"},
  };
  for (const auto& tc : cases) {
    auto c = ParseConfig(Sqlite({{tc.key, tc.value}}));
    ASSERT_FALSE(c.ok()) << tc.key << "=" << tc.value;
    EXPECT_NE(c.status().message().find("plugin_opt_" + tc.key), std::string::npos)
        << c.status().message();
    EXPECT_NE(c.status().message().find(tc.expect), std::string::npos) << c.status().message();
  }
}

TEST(ConfigTest, BadStoreAndMissingRequiredOptions) {
  auto bad = ParseConfig({{"store", "mysql"}, {"sqlite_path", "x"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("plugin_opt_store"), std::string::npos);

  auto no_path = ParseConfig({{"store", "sqlite"}});
  ASSERT_FALSE(no_path.ok());
  EXPECT_NE(no_path.status().message().find("plugin_opt_sqlite_path"), std::string::npos);

  auto no_dsn = ParseConfig({{"store", "postgres"}});
  ASSERT_FALSE(no_dsn.ok());
  EXPECT_NE(no_dsn.status().message().find("plugin_opt_pg_conninfo"), std::string::npos);

  auto nothing = ParseConfig({});
  ASSERT_FALSE(nothing.ok());
  EXPECT_NE(nothing.status().message().find("plugin_opt_sqlite_path"), std::string::npos);
}

TEST(ConfigTest, DuplicateOptionIsRefused) {
  auto c = ParseConfig(Sqlite({{"node_id", "1"}, {"node_id", "2"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("more than once"), std::string::npos);
}

TEST(ConfigTest, SecretFileIsRead) {
  test::TempDir dir;
  const std::string secret(40, 'k');
  test::WriteFile(dir.File("secret"), secret);
  auto c = ParseConfig(Sqlite({{"jwt_hs256_secret_file", dir.File("secret")}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->auth.jwt_hs256_secret, secret);

  test::WriteFile(dir.File("empty"), "  \n");
  auto e = ParseConfig(Sqlite({{"jwt_hs256_secret_file", dir.File("empty")}}));
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("empty"), std::string::npos);
}

TEST(ConfigTest, EveryKnownOptionIsDocumentedInConf) {
  const std::string doc = test::ReadFile(std::string(MQCHAT_SOURCE_DIR) + "/conf/README.md");
  ASSERT_FALSE(doc.empty()) << "conf/README.md missing";
  for (const auto& name : KnownOptionNames()) {
    EXPECT_NE(doc.find("plugin_opt_" + name), std::string::npos)
        << "conf/README.md does not document plugin_opt_" << name;
  }
}

}  // namespace
}  // namespace mqchat

namespace mqchat {
namespace {

TEST(SendLimitConfigTest, DefaultsAndServiceUsers) {
  auto d = ParseConfig(Sqlite());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->send_limits.send_rate_per_s, 5);
  EXPECT_EQ(d->send_limits.send_burst, 20);
  EXPECT_EQ(d->send_limits.fanout_per_s, 2000);
  EXPECT_TRUE(d->send_limits.service_users.empty());
  auto c = ParseConfig(Sqlite({{"send_rate_per_s", "0"},
                               {"service_users", "backend, bot_1"},
                               {"service_send_rate_per_s", "50"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->send_limits.send_rate_per_s, 0);
  EXPECT_EQ(c->send_limits.service_users, (std::vector<std::string>{"backend", "bot_1"}));
  EXPECT_EQ(c->send_limits.service_send_rate_per_s, 50);
  auto bad = ParseConfig(Sqlite({{"service_users", "ok,not ok"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("plugin_opt_service_users"), std::string::npos);
  EXPECT_FALSE(ParseConfig(Sqlite({{"send_burst", "-1"}})).ok());
}

}  // namespace
}  // namespace mqchat

namespace mqchat {
namespace {

// plugin_opt_search_index (issue 17): on by default; true or false, nothing else.
TEST(ConfigTest, SearchIndexIsOnByDefaultAndTakesTrueOrFalse) {
  auto c = ParseConfig(Sqlite());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->search_index);
  auto off = ParseConfig(Sqlite({{"search_index", "false"}}));
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->search_index);
  auto on = ParseConfig(Sqlite({{"search_index", "true"}}));
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_TRUE(on->search_index);
  auto bad = ParseConfig(Sqlite({{"search_index", "no"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("plugin_opt_search_index"), std::string::npos)
      << bad.status().ToString();
}

}  // namespace
}  // namespace mqchat
