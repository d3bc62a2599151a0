// mqchat-api's options: flags, a config file, defaults and refusals.
#include <gtest/gtest.h>

#include "config.h"
#include "support/temp_dir.h"

namespace mqchat::api {
namespace {

TEST(ApiConfigTest, FlagsSetEveryOption) {
  auto config = ParseApiArgs({"--sqlite", "/tmp/x.db", "--jwt_private_key_file", "k.pem",
                              "--port", "0", "--signup", "closed", "--broker", "mqtt://a:1883",
                              "--broker", "ws://a:8083", "--hash_queue", "0"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->store.backend, store::Backend::kSqlite);
  EXPECT_EQ(config->store.sqlite_path, "/tmp/x.db");
  EXPECT_EQ(config->port, 0);
  EXPECT_EQ(config->listen_host, "127.0.0.1");
  EXPECT_EQ(config->signup, SignupMode::kClosed);
  EXPECT_EQ(config->brokers, (std::vector<std::string>{"mqtt://a:1883", "ws://a:8083"}));
  EXPECT_EQ(config->hash_queue, 0);
}

TEST(ApiConfigTest, ConfigFileHoldsTheSameKeysAndFlagsAfterItWin) {
  test::TempDir dir;
  test::WriteFile(dir.File("api.conf"), "pg\n");  // a key without a value
  EXPECT_FALSE(ParseApiArgs({"--config", dir.File("api.conf")}).ok());
  test::WriteFile(dir.File("api.conf"),
                  "# the store\n  pg host=/tmp password=a#b   # trailing comment\n"
                  "jwt_private_key_file /etc/k.pem\nport 9000\n");
  auto config = ParseApiArgs({"--config", dir.File("api.conf"), "--port", "9001"});
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->store.backend, store::Backend::kPostgres);
  EXPECT_EQ(config->store.pg_conninfo, "host=/tmp password=a#b");
  EXPECT_EQ(config->jwt_private_key_file, "/etc/k.pem");
  EXPECT_EQ(config->port, 9001);
}

TEST(ApiConfigTest, WebDirIsOffByDefaultAndSetByFlagOrConfigFile) {
  auto none = ParseApiArgs({"--sqlite", "x.db", "--jwt_private_key_file", "k"});
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_EQ(none->web_dir, "");
  auto flag = ParseApiArgs(
      {"--sqlite", "x.db", "--jwt_private_key_file", "k", "--web_dir", "/srv/web dist"});
  ASSERT_TRUE(flag.ok()) << flag.status().message();
  EXPECT_EQ(flag->web_dir, "/srv/web dist");
  test::TempDir dir;
  test::WriteFile(dir.File("api.conf"),
                  "sqlite x.db\njwt_private_key_file k\nweb_dir /usr/share/mqchat/www\n");
  auto file = ParseApiArgs({"--config", dir.File("api.conf")});
  ASSERT_TRUE(file.ok()) << file.status().message();
  EXPECT_EQ(file->web_dir, "/usr/share/mqchat/www");
}

TEST(ApiConfigTest, RefusesBadOptions) {
  const std::vector<std::string> base = {"--sqlite", "x.db", "--jwt_private_key_file", "k"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return ParseApiArgs(args);
  };
  EXPECT_TRUE(with({}).ok());
  EXPECT_FALSE(with({"--no_such_option", "1"}).ok());
  EXPECT_FALSE(with({"--port", "70000"}).ok());
  EXPECT_FALSE(with({"--port", "12x"}).ok());
  EXPECT_FALSE(with({"--signup", "maybe"}).ok());
  auto invite = with({"--signup", "invite"});
  ASSERT_TRUE(invite.ok());
  EXPECT_EQ(invite->signup, SignupMode::kInvite);
  EXPECT_FALSE(with({"--pg", "dbname=x"}).ok());  // two stores
  EXPECT_FALSE(with({"--port"}).ok());            // no value
  EXPECT_FALSE(with({"stray"}).ok());
  EXPECT_FALSE(ParseApiArgs({"--jwt_private_key_file", "k"}).ok());  // no store
  EXPECT_FALSE(ParseApiArgs({"--sqlite", "x.db"}).ok());             // no signing key
}

// The metrics listener (api_metrics.h) is off unless metrics_listen names host:port.
TEST(ApiConfigTest, MetricsListenIsOffByDefaultAndTakesHostPort) {
  std::vector<std::string> args = {"--sqlite", "x.db", "--jwt_private_key_file", "k"};
  auto none = ParseApiArgs(args);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->metrics_listen, "");
  for (const char* bad : {"127.0.0.1", "127.0.0.1:99999", "nowhere:port"}) {
    std::vector<std::string> refused = args;
    refused.insert(refused.end(), {"--metrics_listen", bad});
    EXPECT_FALSE(ParseApiArgs(refused).ok()) << bad;
  }
  args.insert(args.end(), {"--metrics_listen", "127.0.0.1:9884"});
  auto set = ParseApiArgs(args);
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->metrics_listen, "127.0.0.1:9884");
}

TEST(ApiConfigTest, DiscoveryReadsTheBrokersRedis) {
  const std::vector<std::string> base = {"--sqlite", "x.db", "--jwt_private_key_file", "k"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return ParseApiArgs(args);
  };
  auto none = with({});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->redis_url, "");  // the static list only
  EXPECT_EQ(none->discovery_cache_ms, 1000);
  auto set = with({"--redis", "redis://10.0.0.5:6380", "--discovery_cache_ms", "0"});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->redis_url, "redis://10.0.0.5:6380");
  EXPECT_EQ(set->discovery_cache_ms, 0);
  EXPECT_FALSE(with({"--redis", "host:notaport"}).ok());
  EXPECT_FALSE(with({"--discovery_cache_ms", "60001"}).ok());
}

TEST(ApiConfigTest, PlainHttpOnlyOnLoopbackUnlessAProxyTerminatesTls) {
  const std::vector<std::string> base = {"--sqlite", "x.db", "--jwt_private_key_file", "k"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return ParseApiArgs(args);
  };
  for (const char* host : {"127.0.0.1", "127.0.0.53", "::1", "localhost"}) {
    EXPECT_TRUE(with({"--listen", host}).ok()) << host;
  }
  for (const char* host : {"0.0.0.0", "10.0.0.5", "::", "api.example.com", "128.0.0.1"}) {
    auto refused = with({"--listen", host});
    EXPECT_FALSE(refused.ok()) << host;
    if (!refused.ok()) {
      EXPECT_NE(refused.status().message().find("allow_plain_http"), std::string::npos);
    }
    EXPECT_TRUE(with({"--listen", host, "--allow_plain_http", "true"}).ok()) << host;
    EXPECT_FALSE(with({"--listen", host, "--allow_plain_http", "false"}).ok()) << host;
    auto tls = with({"--listen", host, "--tls_cert_file", "c.pem", "--tls_key_file", "k.pem"});
    ASSERT_TRUE(tls.ok()) << host;
    EXPECT_EQ(tls->tls_cert_file, "c.pem");
    EXPECT_EQ(tls->tls_key_file, "k.pem");
  }
  EXPECT_FALSE(with({"--tls_cert_file", "c.pem"}).ok()) << "a certificate without its key";
  EXPECT_FALSE(with({"--tls_key_file", "k.pem"}).ok()) << "a key without its certificate";
  EXPECT_FALSE(with({"--allow_plain_http", "yes"}).ok());
  auto defaults = with({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_FALSE(defaults->allow_plain_http);
}

TEST(ApiConfigTest, ThePerNetworkHashBudgetAndTheWorkersNiceValue) {
  const std::vector<std::string> base = {"--sqlite", "x.db", "--jwt_private_key_file", "k"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return ParseApiArgs(args);
  };
  auto defaults = with({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->hash_per_prefix.rate_per_s, 2);
  EXPECT_EQ(defaults->hash_per_prefix.burst, 20);
  EXPECT_EQ(defaults->hash_per_prefix.concurrent, 4);
  EXPECT_EQ(defaults->hash_worker_nice, 10);
  auto set = with({"--hash_rate_per_prefix", "0", "--hash_burst_per_prefix", "5",
                   "--hash_concurrent_per_prefix", "0", "--hash_worker_nice", "0"});
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->hash_per_prefix.rate_per_s, 0);
  EXPECT_EQ(set->hash_per_prefix.burst, 5);
  EXPECT_EQ(set->hash_per_prefix.concurrent, 0);
  EXPECT_EQ(set->hash_worker_nice, 0);
  EXPECT_FALSE(with({"--hash_rate_per_prefix", "-1"}).ok());
  EXPECT_FALSE(with({"--hash_burst_per_prefix", "0"}).ok());
  EXPECT_FALSE(with({"--hash_concurrent_per_prefix", "10001"}).ok());
  EXPECT_FALSE(with({"--hash_worker_nice", "20"}).ok());
  EXPECT_FALSE(with({"--hash_worker_nice", "-5"}).ok()) << "a higher priority needs root";
}

}  // namespace
}  // namespace mqchat::api
