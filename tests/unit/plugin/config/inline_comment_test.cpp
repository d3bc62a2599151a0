// Inline comments after plugin_opt_* values, as conf/ examples write them after other lines:
// a '#' at the start of a value or after a space or tab begins a comment; a '#' inside a word
// (URL fragments, secrets) is part of the value.
#include <gtest/gtest.h>

#include "config/config.h"

namespace mqchat {
namespace {

OptionList Sqlite(OptionList extra = {}) {
  OptionList opts = {{"store", "sqlite   # embedded"}, {"sqlite_path", "/tmp/x.db\t# file"}};
  opts.insert(opts.end(), extra.begin(), extra.end());
  return opts;
}

TEST(ConfigInlineCommentTest, CommentAfterWhitespaceIsCut) {
  auto c = ParseConfig(Sqlite({{"node_id", "7   # first broker"},
                               {"store_readers", "2\t#two readers"},
                               {"push_tls_verify", "false # test gateway"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->store.backend, store::Backend::kSqlite);
  EXPECT_EQ(c->store.sqlite_path, "/tmp/x.db");
  EXPECT_EQ(c->node_id, 7);
  EXPECT_EQ(c->store_readers, 2);
  EXPECT_FALSE(c->push.tls_verify);
}

TEST(ConfigInlineCommentTest, CommentAfterAMultiWordValueIsCut) {
  auto c = ParseConfig(
      {{"store", "postgres"}, {"pg_conninfo", "host=127.0.0.1 port=5 dbname=mqchat  # primary"}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->store.pg_conninfo, "host=127.0.0.1 port=5 dbname=mqchat");
}

TEST(ConfigInlineCommentTest, HashInsideAWordIsKept) {
  const std::string secret = "s3cr#t-with-a-hash-inside-0123456789";
  auto c = ParseConfig(Sqlite({{"jwt_hs256_secret", secret},
                               {"jwt_issuer", "https://login.example.com/#realm # ours"},
                               {"push_app_id", "app#1"}}));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->auth.jwt_hs256_secret, secret);
  EXPECT_EQ(c->auth.jwt_issuer, "https://login.example.com/#realm");
  EXPECT_EQ(c->push.app_id, "app#1");
}

TEST(ConfigInlineCommentTest, OnlyACommentIsNoValue) {
  auto c = ParseConfig(Sqlite({{"node_id", "# first broker"}}));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Code::kInvalidArgument);
  EXPECT_NE(c.status().message().find("plugin_opt_node_id: has no value"), std::string::npos)
      << c.status().message();
  EXPECT_NE(c.status().message().find("comment"), std::string::npos) << c.status().message();
}

}  // namespace
}  // namespace mqchat
