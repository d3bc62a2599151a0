#include "support/shared_brokers.h"

#include <ctime>

#include "auth/jwt.h"
#include "support/postgres_instance.h"

namespace mqchat::test {
namespace {

const std::string kSharedJwtSecret = "shared-brokers-test-secret-0123456789abcd";

}  // namespace

void SharedBrokersTest::SetUp() {
  MQCHAT_SHARED_POSTGRES_OR_SKIP(pg);
  auto dsn = pg->FreshDatabase();
  ASSERT_TRUE(dsn.ok()) << dsn.status().ToString();
  redis_ = std::make_unique<RedisInstance>();
  if (!redis_->Start()) return;
  for (int node = 1; node <= BrokerCount(); ++node) {
    BrokerOptions o;
    o.plugin_opts = {{"store", "postgres"},
                     {"pg_conninfo", *dsn},
                     {"node_id", std::to_string(node)},
                     {"jwt_hs256_secret", kSharedJwtSecret},
                     {"redis_url", redis_->url()}};
    for (auto& opt : ExtraOptions()) o.plugin_opts.push_back(opt);
    brokers_.push_back(std::make_unique<BrokerProcess>(std::move(o)));
    if (!brokers_.back()->Start()) return;
  }
  ready_ = true;
}

std::string SharedBrokersTest::Token(const std::string& user) const {
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  auto token = auth::SignHs256({{"sub", user}, {"exp", now + 3600}}, kSharedJwtSecret);
  EXPECT_TRUE(token.ok()) << token.status().ToString();
  return token.ok() ? *token : "";
}

std::unique_ptr<ChatTestClient> SharedBrokersTest::Login(int broker, const std::string& user,
                                                         const std::string& device) {
  auto client = std::make_unique<ChatTestClient>();
  EXPECT_EQ(client->Connect(brokers_.at(broker)->port(), user, Token(user), device), 0)
      << "login of " << user << "/" << device << " to broker " << broker + 1;
  return client;
}

}  // namespace mqchat::test
