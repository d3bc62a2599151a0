// "Not now" is not "wrong password" (issue 29): when the plugin refuses a login because of load
// (the password-hash budget is spent, too many new connections, a throttled name or address),
// the broker closes the connection without a CONNACK, which clients treat as a network failure
// and retry; only refused credentials get CONNACK 0x87, which clients (the SDK among them) take
// as final. Mosquitto 2.0.11 cannot send 0x89 "Server busy" from a plugin.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/chat_server.h"
#include "support/raw_connect.h"

namespace mqchat::test {
namespace {

constexpr int kNotAuthorized = 0x87;
constexpr int kClosedWithoutConnack = -3;  // RawConnectResult::reason

std::unique_ptr<ChatServer> StartServer(std::vector<std::pair<std::string, std::string>> opts) {
  ChatServerOptions o;
  o.store = StoreKind::kSqlite;
  for (auto& kv : opts) o.plugin_opts.push_back(std::move(kv));
  auto server = ChatServer::Create(std::move(o));
  if (!server) return nullptr;
  EXPECT_TRUE(server->AddUser("alice", "right-pw").ok());
  EXPECT_TRUE(server->Start());
  return server;
}

TEST(LoginBusyTest, OverTheHashBudgetTheRightPasswordIsToldToRetryNotRefused) {
  // One hash per second: the second attempt within the second is over budget.
  auto server = StartServer({{"auth_hashes_per_s", "1"}, {"auth_hash_duty_percent", "100"}});
  ASSERT_TRUE(server);
  auto first = RawConnect(server->port(), LoopbackAddress(0), "alice/a", "alice", "wrong");
  ASSERT_EQ(first.reason, kNotAuthorized) << "a wrong password within budget is refused";
  auto busy = RawConnect(server->port(), LoopbackAddress(1), "alice/b", "alice", "right-pw");
  EXPECT_EQ(busy.reason, kClosedWithoutConnack)
      << "the right password over budget must not be answered as bad credentials";
}

TEST(LoginBusyTest, AConnectionFloodIsToldToRetry) {
  auto server = StartServer({{"connect_per_address_per_s", "1"}});
  ASSERT_TRUE(server);
  const std::string address = LoopbackAddress(7);
  auto first = RawConnect(server->port(), address, "alice/a", "alice", "right-pw");
  ASSERT_EQ(first.reason, 0);
  auto gated = RawConnect(server->port(), address, "alice/b", "alice", "right-pw");
  EXPECT_EQ(gated.reason, kClosedWithoutConnack);
}

TEST(LoginBusyTest, AThrottledUserIsToldToRetryNotRefused) {
  // Someone else's failures throttle alice's name: her own device must keep trying.
  auto server = StartServer({{"auth_fail_max", "2"},
                             {"auth_hashes_per_s", "1000"},
                             {"auth_hash_duty_percent", "100"}});
  ASSERT_TRUE(server);
  for (int i = 0; i < 2; ++i) {
    auto r = RawConnect(server->port(), LoopbackAddress(20 + i), "alice/x", "alice",
                        "guess-" + std::to_string(i));
    ASSERT_EQ(r.reason, kNotAuthorized);
  }
  auto throttled = RawConnect(server->port(), LoopbackAddress(30), "alice/p", "alice", "right-pw");
  EXPECT_EQ(throttled.reason, kClosedWithoutConnack);
}

}  // namespace
}  // namespace mqchat::test
