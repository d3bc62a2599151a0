// The "profile" inbox event (protocol/profile.h): what the plugin encodes the SDK decodes, with
// nothing private in it; the avatar path changes with the image; junk is refused.
#include "protocol/profile.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace mqchat::protocol {
namespace {

WireProfile Alice() {
  WireProfile p;
  p.user = "alice";
  p.display_name = "Alice B.";
  p.status_text = "On holiday";
  p.avatar_type = "image/png";
  p.avatar_url = AvatarPath("alice", "0123456789abcdef");
  p.updated_at_ms = 1700000000000;
  return p;
}

TEST(ProfileEventTest, EncodesWhatOthersSeeAndDecodesBack) {
  const nlohmann::json event = nlohmann::json::parse(ProfileEvent(Alice()));
  EXPECT_EQ(event["type"], "profile");
  EXPECT_EQ(event["user"], "alice");
  EXPECT_EQ(event["avatar"],
            (nlohmann::json{{"type", "image/png"}, {"url", "/v1/users/alice/avatar?v=01234567"}}));
  EXPECT_FALSE(event.contains("discoverable"));
  auto decoded = DecodeProfileEvent(event);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, Alice());

  WireProfile plain = Alice();
  plain.avatar_type.clear();
  plain.avatar_url.clear();
  const nlohmann::json no_avatar = nlohmann::json::parse(ProfileEvent(plain));
  EXPECT_TRUE(no_avatar["avatar"].is_null());
  EXPECT_EQ(*DecodeProfileEvent(no_avatar), plain);
}

TEST(ProfileEventTest, TheAvatarPathChangesWithTheImage) {
  EXPECT_EQ(AvatarPath("bob", ""), "");
  EXPECT_EQ(AvatarPath("bob", "abc"), "/v1/users/bob/avatar?v=abc");
  EXPECT_NE(AvatarPath("bob", "aaaaaaaa1"), AvatarPath("bob", "bbbbbbbb1"));
}

TEST(ProfileEventTest, RefusesJunk) {
  nlohmann::json good = nlohmann::json::parse(ProfileEvent(Alice()));
  for (const char* drop : {"user", "display_name", "status_text", "updated_at_ms"}) {
    nlohmann::json bad = good;
    bad.erase(drop);
    EXPECT_FALSE(DecodeProfileEvent(bad).ok()) << drop;
  }
  for (const auto& [key, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"user", "no/such+user"},
           {"user", 5},
           {"display_name", nullptr},
           {"avatar", "a string"},
           {"avatar", nlohmann::json{{"type", "image/png"}}},
           {"avatar", nlohmann::json{{"type", "image/png"}, {"url", ""}}},
           {"updated_at_ms", -1}}) {
    nlohmann::json bad = good;
    bad[key] = value;
    EXPECT_FALSE(DecodeProfileEvent(bad).ok()) << key << " = " << value.dump();
  }
  EXPECT_FALSE(DecodeProfileEvent(nlohmann::json::array()).ok());
}

}  // namespace
}  // namespace mqchat::protocol
