#include "protocol/identity.h"

#include <gtest/gtest.h>

namespace mqchat::protocol {
namespace {

TEST(IdentityTest, ParsesUserAndDevice) {
  auto id = ParseClientId("alice/phone-1");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  EXPECT_EQ(id->username, "alice");
  EXPECT_EQ(id->device_id, "phone-1");
  EXPECT_EQ(MakeClientId("alice", "phone-1"), "alice/phone-1");
}

TEST(IdentityTest, RefusesHostileClientIds) {
  const char* bad[] = {"",          "alice",      "alice/",       "/phone",   "alice/ph/one",
                       "al+ce/x",   "alice/#",    "al#ce/x",      "$SYS/x",   "alice/+",
                       "alice/ph one", "-alice/x", ".alice/x",     "alice/.x", "alice\n/x",
                       "ali\xc3\xa9/x"};
  for (const char* c : bad) {
    EXPECT_FALSE(ParseClientId(c).ok()) << "accepted '" << c << "'";
  }
  std::string with_nul("alice\0x/d", 9);
  EXPECT_FALSE(ParseClientId(with_nul).ok());
}

TEST(IdentityTest, UsernameRules) {
  EXPECT_TRUE(ValidateUsername("a").ok());
  EXPECT_TRUE(ValidateUsername("Bob_2.x-y").ok());
  EXPECT_TRUE(ValidateUsername(std::string(64, 'a')).ok());
  EXPECT_FALSE(ValidateUsername(std::string(65, 'a')).ok());
  EXPECT_FALSE(ValidateUsername("").ok());
  EXPECT_FALSE(ValidateUsername("a/b").ok());
  EXPECT_FALSE(ValidateUsername("a+b").ok());
  EXPECT_FALSE(ValidateUsername("a#").ok());
  EXPECT_FALSE(ValidateUsername("$admin").ok());
  EXPECT_FALSE(ValidateUsername("_x").ok());
}

}  // namespace
// "operator" is the store's actor name for the operator's own actions: no account may have it,
// in any case, or it could set any conversation's retention as the operator.
TEST(IdentityTest, TheOperatorsActorNameIsReservedForAccounts) {
  for (const char* name : {"operator", "Operator", "OPERATOR"}) {
    EXPECT_TRUE(IsReservedUsername(name)) << name;
    EXPECT_TRUE(ValidateUsername(name).ok()) << name;  // still a valid name on the wire
    EXPECT_EQ(ValidateAccountName(name).code(), Code::kInvalidArgument) << name;
  }
  for (const char* name : {"operators", "operator2", "the.operator", "alice"}) {
    EXPECT_FALSE(IsReservedUsername(name)) << name;
    EXPECT_TRUE(ValidateAccountName(name).ok()) << name;
  }
  EXPECT_FALSE(ValidateAccountName("a/b").ok());
}

TEST(IdentityTest, UsernameKeyFoldsCaseOnly) {
  EXPECT_EQ(UsernameKey("Bob"), "bob");
  EXPECT_EQ(UsernameKey("BOB"), UsernameKey("bob"));
  EXPECT_EQ(UsernameKey("Ann-Marie_2.X"), "ann-marie_2.x");
  EXPECT_NE(UsernameKey("b0b"), UsernameKey("bob"));  // digits and letters stay apart
  EXPECT_EQ(UsernameKey(""), "");
}

}  // namespace mqchat::protocol
