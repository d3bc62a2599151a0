#include "auth/base64url.h"

#include <string>

#include <gtest/gtest.h>

namespace mqchat::auth {
namespace {

TEST(Base64UrlTest, EncodesRfc4648VectorsWithoutPadding) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(Base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
}

TEST(Base64UrlTest, UsesUrlSafeAlphabet) {
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff\xbf", 3)), "-_-_");
  Result<std::string> decoded = Base64UrlDecode("-_-_");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, std::string("\xfb\xff\xbf", 3));
}

TEST(Base64UrlTest, RoundTripsEveryLengthAndByteValue) {
  std::string data;
  for (int i = 0; i < 300; ++i) {
    Result<std::string> decoded = Base64UrlDecode(Base64UrlEncode(data));
    ASSERT_TRUE(decoded.ok()) << i;
    EXPECT_EQ(*decoded, data);
    data.push_back(static_cast<char>(i * 37 + 11));
  }
}

TEST(Base64UrlTest, DecodesEmptyToEmpty) {
  Result<std::string> decoded = Base64UrlDecode("");
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "");
}

TEST(Base64UrlTest, RejectsPaddingAndStandardAlphabet) {
  EXPECT_FALSE(Base64UrlDecode("Zg==").ok());
  EXPECT_FALSE(Base64UrlDecode("Zm8=").ok());
  EXPECT_FALSE(Base64UrlDecode("+/+/").ok());
  EXPECT_FALSE(Base64UrlDecode("Zm9v=").ok());
}

TEST(Base64UrlTest, RejectsGarbageCharacters) {
  EXPECT_FALSE(Base64UrlDecode("Zm9 v").ok());
  EXPECT_FALSE(Base64UrlDecode("Zm9v\n").ok());
  EXPECT_FALSE(Base64UrlDecode("Zm.v").ok());
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)).ok());
  EXPECT_FALSE(Base64UrlDecode("Zm9\xc3\xa9").ok());
  EXPECT_EQ(Base64UrlDecode("Zm$v").status().code(), Code::kInvalidArgument);
}

TEST(Base64UrlTest, RejectsImpossibleLength) {
  EXPECT_FALSE(Base64UrlDecode("Z").ok());
  EXPECT_FALSE(Base64UrlDecode("Zm9vY").ok());
}

TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  // "Zg" is 'f'; "Zh" decodes to the same byte with a non-zero unused bit.
  EXPECT_FALSE(Base64UrlDecode("Zh").ok());
  EXPECT_FALSE(Base64UrlDecode("Zm9").ok());  // canonical is "Zm8"
  EXPECT_TRUE(Base64UrlDecode("Zm8").ok());
}

}  // namespace
}  // namespace mqchat::auth
