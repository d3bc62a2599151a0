#include "auth/login_throttle.h"

#include <gtest/gtest.h>

#include "auth/credential_cache.h"

namespace mqchat::auth {
namespace {

TEST(LoginThrottleTest, ThrottlesAtLimitWithinWindowOnly) {
  LoginThrottle t(ThrottleLimits{3, 100, 100}, 1000);
  const auto k = LoginKeys::For("k", "10.0.0.1");
  t.RecordFailure(k, 0);
  t.RecordFailure(LoginKeys::For("k", "10.0.1.1"), 10);
  EXPECT_FALSE(t.IsThrottled(k, 20));
  t.RecordFailure(LoginKeys::For("k", "10.0.2.1"), 30);
  EXPECT_TRUE(t.IsThrottled(k, 40));
  EXPECT_TRUE(t.IsThrottled(LoginKeys::For("k", "10.9.9.9"), 40));  // the user, anywhere
  EXPECT_FALSE(t.IsThrottled(LoginKeys::For("other", "10.0.0.1"), 40));
  EXPECT_FALSE(t.IsThrottled(k, 1001));
  t.ResetUser(k);
  EXPECT_FALSE(t.IsThrottled(k, 50));
}

TEST(LoginThrottleTest, PerAddressAndPerPrefixLimits) {
  LoginThrottle t(ThrottleLimits{100, 2, 4}, 1000);
  t.RecordFailure(LoginKeys::For("a", "10.0.0.1"), 0);
  t.RecordFailure(LoginKeys::For("", "10.0.0.1"), 0);  // no valid username: address + prefix
  EXPECT_TRUE(t.IsThrottled(LoginKeys::For("z", "10.0.0.1"), 1));
  EXPECT_FALSE(t.IsThrottled(LoginKeys::For("z", "10.0.0.2"), 1));
  t.RecordFailure(LoginKeys::For("b", "10.0.0.2"), 0);
  t.RecordFailure(LoginKeys::For("c", "10.0.0.3"), 0);
  EXPECT_TRUE(t.IsThrottled(LoginKeys::For("z", "10.0.0.200"), 1));  // the /24 is at 4
  EXPECT_FALSE(t.IsThrottled(LoginKeys::For("z", "10.0.1.1"), 1));
}

TEST(CredentialCacheTest, VerifiedAndRejectedAreBoundToHashAndExpire) {
  CredentialCache c(1000, 100);
  auto d = c.Digest("u", "pw");
  EXPECT_EQ(c.Check("u", d, "H1", 0), CacheVerdict::kUnknown);
  c.RecordVerified("u", d, "H1", 0);
  EXPECT_EQ(c.Check("u", d, "H1", 500), CacheVerdict::kVerified);
  EXPECT_EQ(c.Check("u", d, "H2", 500), CacheVerdict::kUnknown);   // hash changed
  EXPECT_EQ(c.Check("u", d, "H1", 1000), CacheVerdict::kUnknown);  // expired
  auto bad = c.Digest("u", "nope");
  c.RecordRejected("u", bad, "H1", 0);
  EXPECT_EQ(c.Check("u", bad, "H1", 10), CacheVerdict::kRejected);
  EXPECT_EQ(c.Check("u", d, "H1", 10), CacheVerdict::kVerified);
  // Digest separates user and password ("ab"+"c" vs "a"+"bc").
  EXPECT_NE(c.Digest("ab", "c"), c.Digest("a", "bc"));
}

TEST(CredentialCacheTest, ZeroTtlDisables) {
  CredentialCache c(0, 100);
  auto d = c.Digest("u", "pw");
  c.RecordVerified("u", d, "H", 0);
  EXPECT_EQ(c.Check("u", d, "H", 0), CacheVerdict::kUnknown);
}

TEST(CredentialCacheTest, BoundedEntries) {
  CredentialCache c(100000, 5);
  for (int i = 0; i < 100; ++i) {
    std::string u = "u" + std::to_string(i);
    c.RecordVerified(u, c.Digest(u, "p"), "H", 0);
  }
  EXPECT_EQ(c.Check("u99", c.Digest("u99", "p"), "H", 1), CacheVerdict::kVerified);
  int live = 0;
  for (int i = 0; i < 100; ++i) {
    std::string u = "u" + std::to_string(i);
    live += c.Check(u, c.Digest(u, "p"), "H", 1) == CacheVerdict::kVerified;
  }
  EXPECT_LE(live, 5);
}

}  // namespace
}  // namespace mqchat::auth
