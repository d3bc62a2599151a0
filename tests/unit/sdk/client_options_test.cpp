// ClientOptions validation, and what Client::Create refuses before any network activity.
#include "mqchat/client.h"

#include <gtest/gtest.h>

#include "support/temp_dir.h"

namespace mqchat {
namespace {

ClientOptions::Builder Valid() {
  ClientOptions::Builder b;
  b.Server("tcp://127.0.0.1:1883").Credentials("alice", "secret").Device("phone-1");
  return b;
}

TEST(SdkClientOptionsTest, DefaultsFollowTheProtocol) {
  auto options = Valid().Build();
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->keepalive, std::chrono::seconds(30));
  EXPECT_TRUE(options->auto_reconnect);
  EXPECT_TRUE(options->persistent_session);
  EXPECT_TRUE(Valid().Server("ws://chat.example:8080/mqtt").Build().ok());
  EXPECT_TRUE(Valid().Server("mqtt://chat.example:1883").Build().ok());
  EXPECT_TRUE(Valid().Token("alice", "eyJ.x.y").Build().ok());
}

// Several brokers: server_uri (if set) first, then server_uris; each must be usable.
TEST(SdkClientOptionsTest, SeveralServersAreTriedInOrder) {
  auto options = Valid().Servers({"tcp://a:1883", "ws://b:8083/mqtt", "mqtt://c:1883"}).Build();
  ASSERT_TRUE(options.ok()) << options.status().ToString();
  EXPECT_EQ(options->ServerUris(),
            (std::vector<std::string>{"tcp://a:1883", "ws://b:8083/mqtt", "mqtt://c:1883"}));
  ClientOptions both = *Valid().Build();
  both.server_uris = {"tcp://b:1883"};
  EXPECT_EQ(both.ServerUris(), (std::vector<std::string>{"tcp://127.0.0.1:1883", "tcp://b:1883"}));
  EXPECT_TRUE(both.Validate().ok());
  EXPECT_EQ(Valid().Servers({"tcp://a:1883"}).Server("tcp://z:1").Build()->ServerUris(),
            std::vector<std::string>{"tcp://z:1"})
      << "Server() replaces the list";
  EXPECT_FALSE(Valid().Servers({}).Build().ok()) << "no broker at all";
  EXPECT_FALSE(Valid().Servers({"tcp://a:1883", "tcp://b"}).Build().ok()) << "one bad URI";
}

TEST(SdkClientOptionsTest, TakesTlsServers) {
  for (const char* uri : {"ssl://127.0.0.1:8883", "mqtts://chat.example:8883",
                          "wss://chat.example:8084/mqtt"}) {
    EXPECT_TRUE(Valid().Server(uri).Build().ok()) << uri;
  }
  EXPECT_TRUE(Valid().Servers({"wss://a:8084", "ssl://b:8883"}).Build().ok());
}

TEST(SdkClientOptionsTest, RefusesWhatCannotWork) {
  auto invalid = [](ClientOptions::Builder b) {
    auto r = b.Build();
    return !r.ok() && r.status().code() == Code::kInvalidArgument;
  };
  EXPECT_TRUE(invalid(Valid().Server("http://127.0.0.1:1883")));
  EXPECT_TRUE(invalid(Valid().Server("ssl://127.0.0.1")));  // no port
  EXPECT_TRUE(invalid(Valid().Server("ssl://127.0.0.1:8883").TrustedCaFile("/no/such/ca.pem")));
  EXPECT_TRUE(invalid(Valid().Server("tcp://127.0.0.1")));
  EXPECT_TRUE(invalid(Valid().Credentials("al/ice", "secret")));
  EXPECT_TRUE(invalid(Valid().Credentials("alice", "")));
  EXPECT_TRUE(invalid(Valid().Device("")));
  EXPECT_TRUE(invalid(Valid().Device("phone#1")));
  EXPECT_TRUE(invalid(Valid().SendWindow(0)));
  EXPECT_TRUE(invalid(Valid().AutoReconnect(true, std::chrono::seconds(2),
                                            std::chrono::seconds(1))));
  EXPECT_TRUE(invalid(Valid().KeepAlive(std::chrono::seconds(70000))));
}

TEST(SdkClientOptionsTest, CreateKeepsTheCacheToItsUser) {
  test::TempDir dir("mqchat-sdk-options");
  auto alice = Valid().CachePath(dir.File("c.db")).Build();
  ASSERT_TRUE(alice.ok());
  {
    auto client = Client::Create(*alice);
    ASSERT_TRUE(client.ok()) << client.status().ToString();
    EXPECT_EQ((*client)->state(), ConnectionState::kDisconnected);
    EXPECT_EQ(*(*client)->PendingSends(), 0u);
    // Offline: requests fail at once and are retryable; sends wait in the outbox.
    auto list = (*client)->Conversations().get();
    EXPECT_TRUE(list.status().IsRetryable()) << list.status().ToString();
    auto ack = (*client)->Send(42, "later");
    EXPECT_EQ(*(*client)->PendingSends(), 1u);
    auto bad = (*client)->Send(42, "").get();
    EXPECT_EQ(bad.status().code(), Code::kInvalidArgument);
  }
  auto bob = Valid().Credentials("bob", "x").CachePath(dir.File("c.db")).Build();
  ASSERT_TRUE(bob.ok());
  auto refused = Client::Create(*bob);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Code::kFailedPrecondition);
  // Alice's unsent message is still there for her next client.
  auto again = Client::Create(*alice);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->PendingSends(), 1u);
}

}  // namespace
}  // namespace mqchat
