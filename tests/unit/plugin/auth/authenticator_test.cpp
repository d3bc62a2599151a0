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
    config_.password_login = true;  // off by default; these tests are about password login
    config_.fail_max = 3;
    config_.fail_window_s = 60;
    // One hash per ms: each Login() below advances the clock by 1 ms, so the budget only bites
    // in the tests about it.
    config_.hashes_per_s = 1000;
    config_.hash_duty_percent = 100;
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
    clock_.AdvanceMs(1);
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

// An account named like the operator's actor (made before the name was reserved, or by SQL)
// cannot log in, by password or by token: it could act as the operator (retention, slow mode).
TEST_F(AuthenticatorTest, AnAccountWithTheOperatorsNameCannotLogIn) {
  store::UserRecord op{3, "operator", *hash_, store::UserState::kActive, 3, 0};
  directory_.Apply({op});
  EXPECT_EQ(Login("operator", "correct horse", "operator/d").status().code(),
            Code::kUnauthenticated);
  const std::string token = Token("operator", 600);
  EXPECT_EQ(Login("operator", token.c_str(), "operator/d").status().code(),
            Code::kUnauthenticated);
  EXPECT_TRUE(Login("alice", "correct horse").ok());
}

TEST_F(AuthenticatorTest, ClientIdMustNameTheLoggedInUser) {
  EXPECT_EQ(Login("alice", "correct horse", "bob/phone").status().code(), Code::kPermissionDenied);
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
  // "Try again later", not "wrong password": a throttled device keeps retrying.
  EXPECT_EQ(Login("alice", "correct horse").status().code(), Code::kUnavailable);
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
  // The throttled address is refused without a hash; another address of another /24 is not.
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 3u);
  EXPECT_NE(r.status().message().find("too many"), std::string::npos);
  EXPECT_TRUE(Login("alice", "correct horse", "alice/phone", "10.1.1.1").ok());
}

TEST_F(AuthenticatorTest, UnknownUsersCostAHashAndGetTheSameAnswer) {
  auto known = Login("alice", "wrong", "alice/d", "10.0.0.1");
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 1u);
  auto unknown = Login("nobody", "wrong", "nobody/d", "10.0.1.1");
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 2u);  // the dummy hash, same cost
  auto disabled = Login("bob", "correct horse", "bob/d", "10.0.2.1");
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 3u);
  directory_.Apply({store::UserRecord{5, "tokenonly", "", store::UserState::kActive, 5, 0}});
  auto no_password = Login("tokenonly", "x", "tokenonly/d", "10.0.3.1");
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 4u);
  for (const auto* r : {&known, &unknown, &disabled, &no_password}) {
    ASSERT_FALSE(r->ok());
    EXPECT_EQ(r->status().code(), Code::kUnauthenticated);
  }
  EXPECT_EQ(known.status().message(), unknown.status().message());
  // A repeated guess is a cached rejection for both: no second hash for either.
  EXPECT_FALSE(Login("alice", "wrong", "alice/d", "10.0.4.1").ok());
  EXPECT_FALSE(Login("nobody", "wrong", "nobody/d", "10.0.5.1").ok());
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 4u);
  EXPECT_EQ(auth_->stats().cached_rejects, 2u);
}

TEST_F(AuthenticatorTest, UnknownUsersAreThrottledLikeKnownOnes) {
  for (int i = 0; i < 3; ++i) {
    const std::string addr = "10.0." + std::to_string(i) + ".1";
    Login("alice", ("guess" + std::to_string(i)).c_str(), "alice/d", addr);
    Login("nobody", ("guess" + std::to_string(i)).c_str(), "nobody/d", addr);
  }
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 6u);
  auto known = Login("alice", "guess9", "alice/d", "10.0.9.1");
  auto unknown = Login("nobody", "guess9", "nobody/d", "10.0.9.2");
  EXPECT_EQ(known.status().message(), unknown.status().message());
  EXPECT_NE(known.status().message().find("too many"), std::string::npos);
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 6u);
}

TEST_F(AuthenticatorTest, ThrottlePerNetworkPrefixAcrossAddresses) {
  config_.fail_max_per_prefix = 5;
  auth_ = std::make_unique<Authenticator>(
      config_, directory_, *JwtVerifier::Create(JwtKeys{kSecret, ""}, JwtPolicy{}), clock_);
  // Five ghosts from five addresses of one /24: each address and name stays below its limit.
  for (int i = 0; i < 5; ++i) {
    const std::string u = "ghost" + std::to_string(i);
    Login(u.c_str(), "x", u + "/d", "192.0.2." + std::to_string(i + 1));
  }
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 5u);
  auto r = Login("alice", "correct horse", "alice/phone", "192.0.2.77");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("too many"), std::string::npos);
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 5u);
  EXPECT_TRUE(Login("alice", "correct horse", "alice/phone", "192.0.3.1").ok());
}

TEST_F(AuthenticatorTest, HashBudgetRefusesWithoutHashing) {
  config_.hashes_per_s = 4;  // one per 250 ms
  auth_ = std::make_unique<Authenticator>(
      config_, directory_, *JwtVerifier::Create(JwtKeys{kSecret, ""}, JwtPolicy{}), clock_);
  EXPECT_FALSE(Login("alice", "wrong1", "alice/d", "10.0.0.1").ok());
  auto busy = Login("alice", "correct horse", "alice/d", "10.0.1.1");
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.status().code(), Code::kUnavailable);
  auto unknown_busy = Login("nobody", "x", "nobody/d", "10.0.2.1");
  EXPECT_EQ(unknown_busy.status().code(), Code::kUnavailable);
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 1u);
  EXPECT_EQ(auth_->stats().over_hash_budget, 2u);
  // Tokens and cached credentials do not need the budget.
  std::string token = Token("alice", 600);
  EXPECT_TRUE(Login("alice", token.c_str()).ok());
  clock_.AdvanceMs(250);
  EXPECT_TRUE(Login("alice", "correct horse", "alice/d", "10.0.1.1").ok());
  EXPECT_TRUE(Login("alice", "correct horse", "alice/d", "10.0.1.1").ok());  // cached
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 2u);
}

TEST_F(AuthenticatorTest, PasswordLoginOffRefusesWithoutHashingButTokensWork) {
  config_.password_login = false;
  auth_ = std::make_unique<Authenticator>(
      config_, directory_, *JwtVerifier::Create(JwtKeys{kSecret, ""}, JwtPolicy{}), clock_);
  auto r = Login("alice", "correct horse");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
  EXPECT_FALSE(Login("nobody", "x", "nobody/d").ok());
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 0u);
  EXPECT_EQ(auth_->stats().password_login_off, 2u);
  std::string token = Token("alice", 600);
  EXPECT_TRUE(Login("alice", token.c_str()).ok());
}

TEST_F(AuthenticatorTest, ConnectionRatesRefuseBeforeAnyCheck) {
  config_.connect_per_address_per_s = 3;
  config_.connect_per_s = 5;
  auth_ = std::make_unique<Authenticator>(
      config_, directory_, *JwtVerifier::Create(JwtKeys{kSecret, ""}, JwtPolicy{}), clock_);
  std::string token = Token("alice", 600);
  for (int i = 0; i < 3; ++i)
    EXPECT_TRUE(Login("alice", token.c_str(), "alice/d", "10.0.0.1").ok());
  auto gated = Login("alice", token.c_str(), "alice/d", "10.0.0.1");
  ASSERT_FALSE(gated.ok());
  EXPECT_EQ(gated.status().code(), Code::kUnavailable);
  EXPECT_TRUE(Login("alice", token.c_str(), "alice/d", "10.0.0.2").ok());   // 5th in total
  EXPECT_FALSE(Login("alice", token.c_str(), "alice/d", "10.0.0.3").ok());  // over the total
  EXPECT_FALSE(Login("nobody", "x", "nobody/d", "10.0.0.4").ok());
  EXPECT_EQ(auth_->stats().pbkdf2_runs, 0u);
  EXPECT_EQ(auth_->stats().connections_gated, 3u);
  clock_.AdvanceMs(1000);
  EXPECT_TRUE(Login("alice", token.c_str(), "alice/d", "10.0.0.1").ok());
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
  std::string bob = Token("bob", 600);                   // bob is disabled
  EXPECT_FALSE(Login("bob", bob.c_str(), "bob/d").ok());
  std::string forged = Token("alice", 600);
  forged.back() = forged.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(Login("alice", forged.c_str()).ok());
}

// A password change or "log out everywhere" (the user's sessions cut-off) ends the tokens issued
// before it, to the millisecond when iat has a fraction.
TEST_F(AuthenticatorTest, TokensIssuedBeforeTheSessionsCutOffAreRefused) {
  const int64_t now_s = clock_.NowMs() / 1000;
  auto token = [&](nlohmann::json iat) {
    nlohmann::json claims = {{"sub", "carol"}, {"exp", now_s + 600}};
    if (!iat.is_null()) claims["iat"] = iat;
    auto t = SignHs256(claims, kSecret);
    EXPECT_TRUE(t.ok());
    return t.ok() ? *t : "";
  };
  const std::string before = token(static_cast<double>(now_s) + 0.499);
  const std::string after = token(static_cast<double>(now_s) + 0.5);
  const std::string whole_second = token(now_s);
  const std::string no_iat = token(nullptr);
  for (const auto* t : {&before, &after, &whole_second, &no_iat}) {
    EXPECT_TRUE(Login("carol", t->c_str(), "carol/web").ok());  // no cut-off yet
  }
  directory_.Apply(
      {store::UserRecord{4, "carol", "", store::UserState::kActive, 20, 0, now_s * 1000 + 500}});
  for (const auto* t : {&before, &whole_second, &no_iat}) {
    auto r = Login("carol", t->c_str(), "carol/web");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kUnauthenticated);
    EXPECT_NE(r.status().message().find("password change"), std::string::npos);
  }
  EXPECT_TRUE(Login("carol", after.c_str(), "carol/web").ok());
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
