#include "auth/authenticator.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "auth/password_hash.h"
#include "support/fakes/fake_clock.h"

namespace mqchat::auth {
namespace {

const std::string kSecret(40, 's');

class AuthenticatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto h = HashPassword("correct horse");
    ASSERT_TRUE(h.ok());
    hash_ = new std::string(*h);
  }
  static void TearDownTestSuite() { delete hash_; }

  void SetUp() override {
    store::UserRecord alice{1, "alice", *hash_, store::UserState::kActive, 1, 0};
    store::UserRecord bob{2, "bob", *hash_, store::UserState::kDisabled, 2, 0};
    directory_.Apply({alice, bob});
    config_.fail_max = 3;
    config_.fail_window_s = 60;
    auto v = JwtVerifier::Create(JwtKeys{kSecret, ""}, JwtPolicy{});
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    auth_ = std::make_unique<Authenticator>(config_, directory_, std::move(*v), clock_);
  }

  Result<AuthenticatedClient> Login(const char* user, const char* pass,
                                    const std::string& cid = "alice/phone",
                                    const std::string& addr = "127.0.0.1") {
    LoginRequest r;
    r.client_id = cid;
    r.username = user;
    r.password = pass;
    r.address = addr;
    return auth_->Authenticate(r);
  }

  std::string Token(const std::string& sub, int64_t exp_offset_s) {
    int64_t now = clock_.NowMs() / 1000;
    auto t = SignHs256(nlohmann::json{{"sub", sub}, {"exp", now + exp_offset_s}}, kSecret);
    EXPECT_TRUE(t.ok());
    return t.ok() ? *t : "";
  }

  static std::string* hash_;
  AuthConfig config_;
  UserDirectory directory_;
  test::FakeClock clock_;
  std::unique_ptr<Authenticator> auth_;
};
std::string* AuthenticatorTest::hash_ = nullptr;

TEST_F(AuthenticatorTest, RightPasswordAdmitsWithIdentity) {
  auto r = Login("alice", "correct horse");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->username, "alice");
  EXPECT_EQ(r->device_id, "phone");
  EXPECT_EQ(r->method, LoginMethod::kPassword);
}

TEST_F(AuthenticatorTest, RefusalsForBadCredentials) {
  EXPECT_EQ(Login("alice", "wrong").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(Login("nobody", "x", "nobody/d").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(Login("bob", "correct horse", "bob/d").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(Login(nullptr, nullptr, "anon/d").status().code(), Code::kUnauthenticated);
  EXPECT_EQ(Login("alice", nullptr).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(Login("alice", "").status().code(), Code::kUnauthenticated);
}

TEST_F(AuthenticatorTest, ClientIdMustNameTheLoggedInUser) {
  EXPECT_EQ(Login("alice", "correct horse", "bob/phone").status().code(),
            Code::kPermissionDenied);
  EXPECT_EQ(Login("alice", "correct horse", "alice").status().code(), Code::kPermissionDenied);
  EXPECT_EQ(Login("alice", "correct horse", "alice/#").status().code(), Code::kPermissionDenied);
  EXPECT_EQ(Login("al+ce", "x", "al+ce/p").status().code(), Code::kUnauthenticated);
}

TEST_F(AuthenticatorTest, ReconnectWithSamePasswordSkipsPbkdf2) {
  ASSERT_TRUE(Login("alice", "correct horse").ok());
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 1u);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(Login("alice", "correct horse").ok());
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 1u);
  EXPECT_EQ(auth_->stats().cache_hits, 50u);
  // A different (wrong) password is never admitted by the cache.
  EXPECT_FALSE(Login("alice", "correct horsf").ok());
}

TEST_F(AuthenticatorTest, PasswordChangeInvalidatesCache) {
  ASSERT_TRUE(Login("alice", "correct horse").ok());
  auto other = HashPassword("new pass");
  ASSERT_TRUE(other.ok());
  directory_.Apply({store::UserRecord{1, "alice", *other, store::UserState::kActive, 10, 0}});
  EXPECT_FALSE(Login("alice", "correct horse").ok());
  EXPECT_TRUE(Login("alice", "new pass").ok());
}

TEST_F(AuthenticatorTest, DisableWinsOverCache) {
  ASSERT_TRUE(Login("alice", "correct horse").ok());
  directory_.Apply({store::UserRecord{1, "alice", *hash_, store::UserState::kDisabled, 11, 0}});
  EXPECT_FALSE(Login("alice", "correct horse").ok());
}

TEST_F(AuthenticatorTest, RepeatedWrongPasswordIsCachedAndThrottled) {
  EXPECT_FALSE(Login("alice", "guess1").ok());
  EXPECT_FALSE(Login("alice", "guess1").ok());  // negative cache: no second PBKDF2
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 1u);
  EXPECT_FALSE(Login("alice", "guess2").ok());
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 2u);
  // 3 failures reached: throttled, no PBKDF2 even for the right password not yet cached.
  EXPECT_FALSE(Login("alice", "guess3").ok());
  EXPECT_FALSE(Login("alice", "correct horse").ok());
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 2u);
  EXPECT_GE(auth_->stats().throttled, 2u);
  clock_.AdvanceMs(61'000);
  EXPECT_TRUE(Login("alice", "correct horse").ok());
}

TEST_F(AuthenticatorTest, VerifiedUserPassesWhileAttackerIsThrottled) {
  ASSERT_TRUE(Login("alice", "correct horse", "alice/phone", "10.0.0.1").ok());
  for (int i = 0; i < 5; ++i) Login("alice", "bad", "alice/x", "10.6.6.6");
  EXPECT_TRUE(Login("alice", "correct horse", "alice/phone", "10.0.0.1").ok());
}

TEST_F(AuthenticatorTest, ThrottlePerAddressAcrossUsernames) {
  for (int i = 0; i < 3; ++i) {
    std::string u = "ghost" + std::to_string(i);
    Login(u.c_str(), "x", u + "/d", "10.9.9.9");
  }
  auto r = Login("alice", "correct horse", "alice/phone", "10.9.9.9");
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("too many"), std::string::npos);
  EXPECT_TRUE(Login("alice", "correct horse", "alice/phone", "10.1.1.1").ok());
}

TEST_F(AuthenticatorTest, TokenLogin) {
  std::string good = Token("alice", 600);
  auto r = Login("alice", good.c_str());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->method, LoginMethod::kToken);
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 0u);
  // Token users need not be in the directory.
  std::string carol = Token("carol", 600);
  EXPECT_TRUE(Login("carol", carol.c_str(), "carol/web").ok());
}

TEST_F(AuthenticatorTest, TokenRefusals) {
  std::string expired = Token("alice", -3600);
  EXPECT_EQ(Login("alice", expired.c_str()).status().code(), Code::kUnauthenticated);
  std::string for_carol = Token("carol", 600);
  EXPECT_FALSE(Login("alice", for_carol.c_str()).ok());  // subject must match username
  std::string bob = Token("bob", 600);                    // bob is disabled
  EXPECT_FALSE(Login("bob", bob.c_str(), "bob/d").ok());
  std::string forged = Token("alice", 600);
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Login("alice", forged.c_str()).ok());
}

TEST_F(AuthenticatorTest, TokenForACaseVariantOfAKnownUserIsRefused) {
  // "Alice" and "ALICE" would otherwise be new token users beside alice, shown in every list as
  // if they were her.
  for (const char* variant : {"Alice", "ALICE", "aLiCe"}) {
    std::string token = Token(variant, 600);
    auto r = Login(variant, token.c_str(), std::string(variant) + "/phone");
    ASSERT_FALSE(r.ok()) << variant;
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
    EXPECT_NE(r.status().message().find("'alice'"), std::string::npos) << r.status().ToString();
  }
  // The other direction: a capitalized account exists, its lowercase spelling is taken too.
  directory_.Apply({store::UserRecord{3, "Dave", "", store::UserState::kActive, 3, 0}});
  std::string dave = Token("dave", 600);
  EXPECT_FALSE(Login("dave", dave.c_str(), "dave/phone").ok());
  std::string exact = Token("Dave", 600);
  EXPECT_TRUE(Login("Dave", exact.c_str(), "Dave/phone").ok());
  // The exact spelling of a known user still logs in.
  std::string alice = Token("alice", 600);
  EXPECT_TRUE(Login("alice", alice.c_str()).ok());
}

}  // namespace
}  // namespace mqchat::auth
