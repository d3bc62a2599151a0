// One account cannot hold a broker's memory with endless devices (issue 24, "connection and
// login attempts per user are bounded"): past plugin_opt_max_devices_per_user distinct client
// ids of one user on one broker, a new device is refused with CONNACK 0x87, while a device
// already connected may take its own session over, and a freed slot is usable again.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "support/chat_client.h"
#include "support/chat_server.h"

namespace mqchat::test {
namespace {

constexpr int kNotAuthorized = 0x87;
constexpr std::chrono::seconds kDeadline{10};

TEST(DeviceBoundTest, ANewDeviceOverTheBoundIsRefusedATakeoverIsNot) {
  ChatServerOptions o;
  o.store = StoreKind::kSqlite;
  // Password logins in quick succession: the hash budget (issue 29) is not under test here.
  o.plugin_opts = {{"max_devices_per_user", "2"},
                   {"auth_hashes_per_s", "1000"},
                   {"auth_hash_duty_percent", "100"}};
  auto server = ChatServer::Create(std::move(o));
  if (!server) GTEST_SKIP() << "server not available";
  ASSERT_TRUE(server->AddUser("alice", "alice-pw").ok());
  ASSERT_TRUE(server->AddUser("bob", "bob-pw").ok());
  ASSERT_TRUE(server->Start());

  ChatTestClient phone, laptop, tablet, takeover, bob;
  ASSERT_EQ(phone.Connect(server->port(), "alice", "alice-pw", "phone"), 0);
  ASSERT_EQ(laptop.Connect(server->port(), "alice", "alice-pw", "laptop"), 0);
  EXPECT_EQ(tablet.Connect(server->port(), "alice", "alice-pw", "tablet"), kNotAuthorized);
  EXPECT_TRUE(phone.mqtt().IsConnected());
  // Another user is not counted against alice.
  EXPECT_EQ(bob.Connect(server->port(), "bob", "bob-pw", "tablet"), 0);
  // The phone reconnecting (the same client id) takes its old session over.
  EXPECT_EQ(takeover.Connect(server->port(), "alice", "alice-pw", "phone"), 0);
  EXPECT_TRUE(phone.mqtt().WaitDisconnected(kDeadline));
  // Once the laptop has gone, the tablet gets its slot.
  laptop.Disconnect();
  ASSERT_TRUE(laptop.mqtt().WaitDisconnected(kDeadline));
  ChatTestClient tablet_again;
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  int code = -1;
  // The broker forgets the laptop when it processes the DISCONNECT, which the client does not
  // see: retry until it has (bounded).
  while (code != 0 && std::chrono::steady_clock::now() < deadline) {
    code = tablet_again.Connect(server->port(), "alice", "alice-pw", "tablet");
  }
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace mqchat::test
