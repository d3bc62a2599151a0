#include "protocol/privacy.h"

#include <gtest/gtest.h>

#include "protocol/json_util.h"

namespace mqchat::protocol {
namespace {

TEST(PrivacyTest, PolicyNamesRoundTrip) {
  for (DmPolicy p : {DmPolicy::kEveryone, DmPolicy::kSharedGroup, DmPolicy::kExistingOnly}) {
    ASSERT_TRUE(ParseDmPolicy(DmPolicyName(p)).has_value());
    EXPECT_EQ(*ParseDmPolicy(DmPolicyName(p)), p);
  }
  EXPECT_EQ(DmPolicyName(DmPolicy::kSharedGroup), "shared_group");
  EXPECT_FALSE(ParseDmPolicy("Everyone").has_value());
  EXPECT_FALSE(ParseDmPolicy("").has_value());
}

TEST(PrivacyTest, BodyAndEventRoundTrip) {
  WirePrivacy p;
  p.blocked = {{"bob", 5}, {"carol", 7}};
  p.dm_policy = DmPolicy::kExistingOnly;
  const nlohmann::json body = EncodePrivacy(p);
  EXPECT_EQ(DumpJson(body),
            R"({"blocked":[{"blocked_at_ms":5,"user":"bob"},{"blocked_at_ms":7,"user":"carol"}],)"
            R"("dm_policy":"existing_only"})");
  auto back = DecodePrivacy(body);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->blocked.size(), 2u);
  EXPECT_EQ(back->blocked[1].user, "carol");
  EXPECT_EQ(back->blocked[1].blocked_at_ms, 7);
  EXPECT_EQ(back->dm_policy, DmPolicy::kExistingOnly);
  const auto event = nlohmann::json::parse(PrivacyEvent(p));
  EXPECT_EQ(event["type"], "privacy");
  EXPECT_TRUE(DecodePrivacy(event).ok());
}

TEST(PrivacyTest, DecoderRefusesWhatTheEncoderNeverWrites) {
  EXPECT_FALSE(DecodePrivacy(nlohmann::json::parse(R"({"blocked":[]})")).ok());
  EXPECT_FALSE(DecodePrivacy(nlohmann::json::parse(R"({"blocked":[],"dm_policy":"x"})")).ok());
  EXPECT_FALSE(
      DecodePrivacy(nlohmann::json::parse(R"({"blocked":[{"user":"b"}],"dm_policy":"everyone"})"))
          .ok());
  EXPECT_FALSE(DecodePrivacy(nlohmann::json::parse(R"({"blocked":{},"dm_policy":"everyone"})")).ok());
}

}  // namespace
}  // namespace mqchat::protocol
