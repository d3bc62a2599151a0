// The plugin loads into Debian's mosquitto, and bad plugin_opt lines stop the broker clearly.
#include <gtest/gtest.h>

#include "support/broker_process.h"
#include "support/temp_dir.h"

namespace mqchat::test {
namespace {

BrokerExit StartWith(std::vector<std::pair<std::string, std::string>> opts) {
  BrokerOptions o;
  o.plugin_opts = std::move(opts);
  BrokerProcess broker(std::move(o));
  return broker.StartExpectingExit();
}

TEST(BrokerConfigTest, PluginLoadsAndBrokerListens) {
  TempDir dir;
  BrokerOptions o;
  o.plugin_opts = {{"store", "sqlite"}, {"sqlite_path", dir.File("db.sqlite")}};
  BrokerProcess broker(std::move(o));
  ASSERT_TRUE(broker.Start());
  EXPECT_NE(broker.Log().find("mqchat: plugin started"), std::string::npos) << broker.Log();
}

TEST(BrokerConfigTest, BadOptionsStopTheBrokerNamingTheOption) {
  TempDir dir;
  const std::string db = dir.File("db.sqlite");
  struct Case {
    std::vector<std::pair<std::string, std::string>> opts;
    std::string expect;
  } cases[] = {
      {{{"store", "sqlite"}}, "plugin_opt_sqlite_path"},
      {{{"store", "mongo"}, {"sqlite_path", db}}, "plugin_opt_store"},
      {{{"store", "sqlite"}, {"sqlite_path", db}, {"node_id", "5000"}}, "plugin_opt_node_id"},
      {{{"store", "sqlite"}, {"sqlite_path", db}, {"no_such_option", "1"}},
       "plugin_opt_no_such_option"},
      {{{"store", "sqlite"}, {"sqlite_path", db}, {"jwt_rs256_public_key_file", "/nope.pem"}},
       "plugin_opt_jwt_rs256_public_key_file"},
      {{{"store", "postgres"}, {"pg_conninfo", "host=127.0.0.1 port=1 connect_timeout=2"}},
       "connect"},
      // Redis behind Sentinel: the sentinels need the master's name, exclude redis_url, and
      // each entry must parse.
      {{{"store", "sqlite"}, {"sqlite_path", db}, {"redis_sentinels", "127.0.0.1:26379"}},
       "plugin_opt_redis_master_name"},
      {{{"store", "sqlite"},
        {"sqlite_path", db},
        {"redis_url", "127.0.0.1:6379"},
        {"redis_sentinels", "127.0.0.1:26379"},
        {"redis_master_name", "m"}},
       "plugin_opt_redis_sentinels"},
      {{{"store", "sqlite"},
        {"sqlite_path", db},
        {"redis_sentinels", "127.0.0.1:26379,127.0.0.1:nope"},
        {"redis_master_name", "m"}},
       "plugin_opt_redis_sentinels"},
  };
  for (auto& tc : cases) {
    BrokerExit exit = StartWith(tc.opts);
    ASSERT_TRUE(exit.exited) << tc.expect << ": broker started listening";
    EXPECT_NE(exit.exit_code, 0);
    EXPECT_NE(exit.log.find("mqchat: cannot start"), std::string::npos) << exit.log;
    EXPECT_NE(exit.log.find(tc.expect), std::string::npos) << exit.log;
  }
}

}  // namespace
}  // namespace mqchat::test
