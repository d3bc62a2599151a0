#include "support/shared_brokers.h"

#include <libpq-fe.h>

#include <ctime>

#include "auth/jwt.h"
#include "protocol/presence.h"
#include "protocol/topics.h"
#include "support/wait_for.h"

namespace mqchat::test {
namespace {

const std::string kSharedJwtSecret = "shared-brokers-test-secret-0123456789abcd";

}  // namespace

Result<std::string> SharedBrokersTest::StoreConnInfo() {
  MQCHAT_ASSIGN_OR_RETURN(postgres_, SharedPostgres());
  return postgres_->FreshDatabase();
}

void SharedBrokersTest::SetUp() {
  auto dsn = StoreConnInfo();
  if (!dsn.ok() && ShouldSkipForMissingPostgres(dsn.status())) {
    GTEST_SKIP() << dsn.status().ToString();
  }
  ASSERT_TRUE(dsn.ok()) << dsn.status().ToString();
  dsn_ = *dsn;
  std::vector<std::pair<std::string, std::string>> redis_opts;
  if (RedisBehindSentinel()) {
    sentinels_ = std::make_unique<RedisSentinelGroup>();
    if (!sentinels_->Start()) return;
    redis_opts = {{"redis_sentinels", sentinels_->SentinelList()},
                  {"redis_master_name", RedisSentinelGroup::kMasterName}};
  } else {
    redis_ = std::make_unique<RedisInstance>();
    if (!redis_->Start()) return;
    redis_opts = {{"redis_url", redis_->url()}};
  }
  for (int node = 1; node <= BrokerCount(); ++node) {
    BrokerOptions o;
    o.plugin_opts = {{"store", "postgres"},
                     {"pg_conninfo", *dsn},
                     {"node_id", std::to_string(node)},
                     {"jwt_hs256_secret", kSharedJwtSecret}};
    for (auto& opt : redis_opts) o.plugin_opts.push_back(opt);
    for (auto& opt : ExtraOptions()) o.plugin_opts.push_back(opt);
    for (auto& opt : NodeOptions(node)) o.plugin_opts.push_back(opt);
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
  auto client = Connect(broker, user, device);
  WaitRecorded(user, std::chrono::seconds(10));
  return client;
}

std::unique_ptr<ChatTestClient> SharedBrokersTest::Connect(int broker, const std::string& user,
                                                           const std::string& device) {
  auto client = std::make_unique<ChatTestClient>();
  EXPECT_EQ(client->Connect(brokers_.at(broker)->port(), user, Token(user), device), 0)
      << "login of " << user << "/" << device << " to broker " << broker + 1;
  return client;
}

bool SharedBrokersTest::WaitRecorded(const std::string& user, std::chrono::milliseconds timeout) {
  PGconn* conn = PQconnectdb(dsn_.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    ADD_FAILURE() << "cannot reach the shared PostgreSQL: " << PQerrorMessage(conn);
    PQfinish(conn);
    return false;
  }
  const char* params[] = {user.c_str()};
  const bool recorded = WaitFor(
      [&] {
        PGresult* r = PQexecParams(conn, "SELECT 1 FROM users WHERE username = $1::text", 1,
                                   nullptr, params, nullptr, nullptr, 0);
        const bool found = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
        PQclear(r);
        return found;
      },
      timeout, "the store to record " + user);
  PQfinish(conn);
  return recorded;
}

bool SharedBrokersTest::WaitPresence(ChatTestClient& watcher, const std::string& user, bool online,
                                     std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    auto msg = watcher.mqtt().WaitMessage(left, protocol::PresenceTopic(user));
    if (!msg) return false;
    auto p = protocol::DecodePresence(msg->payload);
    if (p.ok() && p->online == online) return true;
  }
  return false;
}

int SharedBrokersTest::SubscribePresence(ChatTestClient& watcher, const std::string& user,
                                         std::chrono::milliseconds timeout) {
  int code = -1;
  WaitFor(
      [&] {
        code = watcher.mqtt().Subscribe(protocol::PresenceTopic(user));
        return code == 1;
      },
      timeout, watcher.user() + " allowed to watch " + user);
  return code;
}

}  // namespace mqchat::test
