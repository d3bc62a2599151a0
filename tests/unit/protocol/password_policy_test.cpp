// The password policy shared by the API's sign-up and `mqchatctl user add|passwd`.
#include "protocol/password_policy.h"

#include <gtest/gtest.h>

namespace mqchat::protocol {
namespace {

TEST(PasswordPolicyTest, LengthUtf8AndNotTheUsername) {
  EXPECT_FALSE(CheckPasswordPolicy("alice", "correct horse"));
  EXPECT_FALSE(CheckPasswordPolicy("alice", "ünïcödé"  "x"));  // 8 code points
  EXPECT_TRUE(CheckPasswordPolicy("alice", "short"));
  EXPECT_TRUE(CheckPasswordPolicy("alice", "üüü"));  // 6 bytes, 3 characters
  EXPECT_TRUE(CheckPasswordPolicy("alice", std::string(kMaxPasswordBytes + 1, 'x')));
  std::string longest(kMaxPasswordBytes, 'x');
  longest[0] = 'y';
  EXPECT_FALSE(CheckPasswordPolicy("alice", longest));
  EXPECT_TRUE(CheckPasswordPolicy("alice", "bad\xff utf-8 text"));
  EXPECT_TRUE(CheckPasswordPolicy("Alexander", "alexander"));
  EXPECT_TRUE(CheckPasswordPolicy("alexander", "ALEXANDER"));
}

TEST(PasswordPolicyTest, RefusesOneCharacterRepeated) {
  auto why = CheckPasswordPolicy("alice", "aaaaaaaa");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("repeated"), std::string::npos) << *why;
  EXPECT_TRUE(CheckPasswordPolicy("alice", "üüüüüüüüü"));           // 9 of one 2-byte character
  EXPECT_TRUE(CheckPasswordPolicy("alice", std::string(20, '1')));
  EXPECT_FALSE(CheckPasswordPolicy("alice", "aaaaaaab"));
  EXPECT_FALSE(CheckPasswordPolicy("alice", "üüüüüüüüa"));
}

}  // namespace
}  // namespace mqchat::protocol
