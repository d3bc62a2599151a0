#include "protocol/presence.h"

#include <gtest/gtest.h>

#include <climits>
#include <string>

namespace mqchat::protocol {
namespace {

TEST(DecodePresenceTest, RoundTripsWhatThePluginPublishes) {
  WirePresence p{"alice", true, 1700000000000, INT_MAX};
  auto decoded = DecodePresence(EncodePresence(p));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->user, "alice");
  EXPECT_TRUE(decoded->online);
  EXPECT_EQ(decoded->last_seen_ms, 1700000000000);
  EXPECT_EQ(decoded->devices, INT_MAX);
}

// A device count the SDK's int cannot hold is refused, never wrapped into a negative count or
// into "online with 0 devices".
TEST(DecodePresenceTest, RefusesADeviceCountAnIntCannotHold) {
  for (const char* devices :
       {"2147483648", "4294967296", "9223372036854775807", "18446744073709551615"}) {
    auto decoded =
        DecodePresence(std::string(R"({"user":"a","state":"online","devices":)") + devices + "}");
    ASSERT_FALSE(decoded.ok()) << devices << " -> " << decoded->devices;
    EXPECT_EQ(decoded.status().code(), Code::kInvalidArgument);
    EXPECT_NE(decoded.status().message().find("devices"), std::string::npos)
        << decoded.status().ToString();
  }
  for (const char* devices : {"-1", "1.5", "\"2\""}) {
    EXPECT_FALSE(
        DecodePresence(std::string(R"({"user":"a","state":"online","devices":)") + devices + "}")
            .ok())
        << devices;
  }
}

TEST(DecodePresenceTest, RefusesTimesBeyondInt64) {
  EXPECT_FALSE(
      DecodePresence(R"({"user":"a","state":"offline","last_seen_ms":9223372036854775808})").ok());
  EXPECT_FALSE(DecodePresence(R"({"user":"a","state":"offline","last_seen_ms":-1})").ok());
  auto max = DecodePresence(R"({"user":"a","state":"offline","last_seen_ms":9223372036854775807})");
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max->last_seen_ms, INT64_MAX);
}

}  // namespace
}  // namespace mqchat::protocol
