// TURN REST API credentials (coturn use-auth-secret) and the ICE server list: HMAC-SHA1 against
// RFC 2202's vectors, base64 against RFC 4648's.
#include "call/ice_servers.h"

#include <gtest/gtest.h>

namespace mqchat::call {
namespace {

TEST(IceServersTest, Base64MatchesRfc4648Vectors) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64(std::string("\xff\xfe\x00", 3)), "//4A");
}

TEST(IceServersTest, PasswordIsBase64OfHmacSha1Rfc2202) {
  // RFC 2202 test case 2: HMAC-SHA1("Jefe", "what do ya want for nothing?") =
  // effcdf6ae5eb2fa2d27416d5f184df9c259a7c79.
  EXPECT_EQ(TurnPassword("Jefe", "what do ya want for nothing?"), "7/zfauXrL6LSdBbV8YTfnCWafHk=");
  // Test case 1: key 20 x 0x0b, "Hi There" = b617318655057264e28bc0b6fb378c8ef146be00.
  EXPECT_EQ(TurnPassword(std::string(20, '\x0b'), "Hi There"),
            Base64(std::string("\xb6\x17\x31\x86\x55\x05\x72\x64\xe2\x8b\xc0\xb6\xfb\x37\x8c"
                               "\x8e\xf1\x46\xbe\x00",
                               20)));
  EXPECT_EQ(TurnPassword(std::string(20, '\x0b'), "Hi There"), "thcxhlUFcmTii8C2+zeMjvFGvgA=");
}

TEST(IceServersTest, UsernameIsExpiryColonUser) {
  EXPECT_EQ(TurnUsername(1700086400, "alice"), "1700086400:alice");
}

TEST(IceServersTest, ListHasStunAndTurnWithCredentials) {
  IceConfig config{{"stun:stun.example.com:3478"},
                   {"turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349"},
                   "0123456789abcdef",
                   86400};
  IceServers ice = MakeIceServers(config, "alice", 1700000000);
  ASSERT_EQ(ice.servers.size(), 2u);
  EXPECT_EQ(ice.servers[0]["urls"], nlohmann::json({"stun:stun.example.com:3478"}));
  EXPECT_FALSE(ice.servers[0].contains("username"));
  const auto& turn = ice.servers[1];
  EXPECT_EQ(turn["urls"].size(), 2u);
  EXPECT_EQ(turn["username"], "1700086400:alice");
  // Computed independently (Python's hmac) for this secret and username.
  EXPECT_EQ(turn["credential"], "aNto7EznsfUCDS5EqNg13BzavXc=");
  EXPECT_EQ(ice.expires_at_ms, 1700086400000);
}

TEST(IceServersTest, NoSecretNoTurnEntry) {
  IceConfig config{{}, {"turn:turn.example.com"}, "", 86400};
  IceServers ice = MakeIceServers(config, "alice", 1700000000);
  EXPECT_TRUE(ice.servers.empty());
  EXPECT_EQ(ice.expires_at_ms, 0);
}

}  // namespace
}  // namespace mqchat::call
