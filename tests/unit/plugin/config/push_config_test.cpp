// The plugin_opt_push_* options (config/config.h, PushConfig).
#include <gtest/gtest.h>

#include "config/config.h"

namespace mqchat {
namespace {

OptionList Sqlite(OptionList extra = {}) {
  OptionList opts = {{"store", "sqlite"}, {"sqlite_path", "/tmp/x.db"}};
  opts.insert(opts.end(), extra.begin(), extra.end());
  return opts;
}

TEST(PushConfigTest, OffByDefault) {
  auto c = ParseConfig(Sqlite());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_FALSE(c->push.enabled());
  EXPECT_EQ(c->push.timeout_ms, 5000);
  EXPECT_EQ(c->push.concurrency, 4);
  EXPECT_TRUE(c->push.tls_verify);
  EXPECT_EQ(c->push.max_attempts, 10);
  EXPECT_EQ(c->push.app_id, "mqchat");
  EXPECT_EQ(c->push.backoff_base_ms, 1000);
  EXPECT_EQ(c->push.backoff_max_ms, 300000);
  EXPECT_EQ(c->push.coalesce_ms, 1000);
  EXPECT_EQ(c->push.coalesce_max_ms, 5000);
}

TEST(PushConfigTest, EveryOptionIsRead) {
  auto c =
      ParseConfig(Sqlite({{"push_gateway_url", "https://push.example.com/_matrix/push/v1/notify"},
                          {"push_timeout_ms", "2500"},
                          {"push_concurrency", "8"},
                          {"push_tls_verify", "false"},
                          {"push_max_attempts", "3"},
                          {"push_app_id", "com.example.chat"},
                          {"push_backoff_base_ms", "20"},
                          {"push_backoff_max_ms", "200"},
                          {"push_coalesce_ms", "300"},
                          {"push_coalesce_max_ms", "2000"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_TRUE(c->push.enabled());
  EXPECT_EQ(c->push.gateway_url, "https://push.example.com/_matrix/push/v1/notify");
  EXPECT_EQ(c->push.timeout_ms, 2500);
  EXPECT_EQ(c->push.concurrency, 8);
  EXPECT_FALSE(c->push.tls_verify);
  EXPECT_EQ(c->push.max_attempts, 3);
  EXPECT_EQ(c->push.app_id, "com.example.chat");
  EXPECT_EQ(c->push.backoff_base_ms, 20);
  EXPECT_EQ(c->push.backoff_max_ms, 200);
  EXPECT_EQ(c->push.coalesce_ms, 300);
  EXPECT_EQ(c->push.coalesce_max_ms, 2000);
}

TEST(PushConfigTest, BadValuesAreRefusedWithTheOptionName) {
  struct Case {
    std::string key, value, expect;
  } cases[] = {
      {"push_gateway_url", "ftp://x/", "not an http"},
      {"push_gateway_url", "push.example.com", "not an http"},
      {"push_gateway_url", "http://a b/", "whitespace"},
      {"push_timeout_ms", "50", "out of range"},
      {"push_concurrency", "0", "out of range"},
      {"push_concurrency", "65", "out of range"},
      {"push_tls_verify", "yes", "not true or false"},
      {"push_max_attempts", "0", "out of range"},
      {"push_backoff_base_ms", "0", "out of range"},
  };
  for (const auto& tc : cases) {
    auto c = ParseConfig(Sqlite({{tc.key, tc.value}}));
    ASSERT_FALSE(c.ok()) << tc.key << "=" << tc.value;
    EXPECT_NE(c.status().message().find("plugin_opt_" + tc.key), std::string::npos)
        << c.status().message();
    EXPECT_NE(c.status().message().find(tc.expect), std::string::npos) << c.status().message();
  }
  auto inverted =
      ParseConfig(Sqlite({{"push_backoff_base_ms", "500"}, {"push_backoff_max_ms", "100"}}));
  ASSERT_FALSE(inverted.ok());
  EXPECT_NE(inverted.status().message().find("plugin_opt_push_backoff_max_ms"), std::string::npos);
  auto short_max =
      ParseConfig(Sqlite({{"push_coalesce_ms", "3000"}, {"push_coalesce_max_ms", "2000"}}));
  ASSERT_FALSE(short_max.ok());
  EXPECT_NE(short_max.status().message().find("plugin_opt_push_coalesce_max_ms"),
            std::string::npos);
}

}  // namespace
}  // namespace mqchat
