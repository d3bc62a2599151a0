// POST /v1/login's and POST /v1/signup's throttles (issues 15, 29; api/src/login_limits.h),
// through ApiService without a socket: failed logins per username (any spelling), per address
// and per /24, each past its limit answered 429 RATE_LIMITED with Retry-After even for the right
// password; unknown names throttled exactly like known ones; a verified login starts its name's
// count over; sign-ups per address and per /24 or /56. Retry-After is the time left until the
// next attempt is allowed, not the whole window.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "api_service.h"
#include "support/rsa_keys.h"
#include "support/temp_dir.h"

namespace mqchat::api {
namespace {

constexpr const char* kRight = "correct horse";

class ApiLoginLimitsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_.store.sqlite_path = dir_.File("mqchat.db");
    config_.jwt_private_key_file = "unused";
    config_.login_fail_max = 3;
    config_.login_fail_max_per_prefix = 5;
    config_.login_fail_window_s = 60;
    config_.signup_max_per_address = 2;
    config_.signup_max_per_prefix = 3;
    config_.signup_window_s = 600;
    ApiServiceOptions options;
    options.now_ms = [this] { return now_ms_; };
    auto service = ApiService::Create(config_, test::TestRsaKeys().private_pem, options);
    ASSERT_TRUE(service.ok()) << service.status().message();
    service_ = std::move(*service);
    ASSERT_EQ(Login("alice", kRight, "192.0.2.1", "/v1/signup").status, 201);
  }
  ApiResponse Login(const std::string& user, const std::string& password,
                    const std::string& address, const std::string& path = "/v1/login") {
    nlohmann::json body = {{"username", user}, {"password", password}};
    return service_->Handle({"POST", path, "application/json", body.dump(), address});
  }
  static std::string Code(const ApiResponse& r) {
    return nlohmann::json::parse(r.body)["error"]["code"].get<std::string>();
  }
  static std::string RetryAfter(const ApiResponse& r) {
    for (const auto& [name, value] : r.headers) {
      if (name == "Retry-After") return value;
    }
    return "";
  }
  // A fresh address in its own /24 for each n.
  static std::string Fresh(int n) { return "10." + std::to_string(n) + ".0.1"; }

  test::TempDir dir_;
  ApiConfig config_;
  int64_t now_ms_ = 1800000000000;
  std::unique_ptr<ApiService> service_;
};

TEST_F(ApiLoginLimitsTest, AUsernameIsThrottledInAnySpellingKnownOrNot) {
  for (const char* user : {"ALICE", "ghost"}) {
    for (int i = 0; i < 3; ++i) {
      EXPECT_EQ(Login(user, "guess", Fresh(i)).status, 401) << user << " " << i;
    }
  }
  auto alice = Login("alice", kRight, Fresh(50));
  EXPECT_EQ(alice.status, 429) << alice.body;
  EXPECT_EQ(Code(alice), "RATE_LIMITED");
  EXPECT_EQ(RetryAfter(alice), "60");
  auto ghost = Login("ghost", "guess", Fresh(51));
  EXPECT_EQ(ghost.status, 429) << "an unknown name is throttled like a known one";
  EXPECT_EQ(ghost.body, alice.body);
  // The window passes: alice logs in again.
  now_ms_ += 60 * 1000;
  EXPECT_EQ(Login("alice", kRight, Fresh(52)).status, 200);
}

TEST_F(ApiLoginLimitsTest, AnAddressAndItsNetworkAreThrottled) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Login("user" + std::to_string(i), "guess", "198.51.100.7").status, 401);
  }
  EXPECT_EQ(Login("alice", kRight, "198.51.100.7").status, 429) << "the address is spent";
  // Two more failures from other addresses of the /24 spend the network's 5.
  EXPECT_EQ(Login("user8", "guess", "198.51.100.8").status, 401);
  EXPECT_EQ(Login("user9", "guess", "198.51.100.9").status, 401);
  EXPECT_EQ(Login("alice", kRight, "198.51.100.200").status, 429) << "the /24 is spent";
  EXPECT_EQ(Login("alice", kRight, "198.51.101.1").status, 200) << "the next /24 is not";
}

TEST_F(ApiLoginLimitsTest, AVerifiedLoginStartsItsNamesCountOver) {
  EXPECT_EQ(Login("alice", "guess", Fresh(1)).status, 401);
  EXPECT_EQ(Login("alice", "guess", Fresh(2)).status, 401);
  EXPECT_EQ(Login("alice", kRight, Fresh(3)).status, 200);
  EXPECT_EQ(Login("alice", "guess", Fresh(4)).status, 401);
  EXPECT_EQ(Login("alice", "guess", Fresh(5)).status, 401);
  EXPECT_EQ(Login("alice", kRight, Fresh(6)).status, 200) << "2 failures since the login, not 4";
}

TEST_F(ApiLoginLimitsTest, RetryAfterIsTheTimeLeftInTheWindow) {
  EXPECT_EQ(Login("bob", "guess", Fresh(1)).status, 401);  // bob's window opens here
  now_ms_ += 20 * 1000;
  EXPECT_EQ(Login("bob", "guess", Fresh(2)).status, 401);
  EXPECT_EQ(Login("bob", "guess", Fresh(3)).status, 401);
  auto refused = Login("bob", "guess", Fresh(4));
  ASSERT_EQ(refused.status, 429);
  EXPECT_EQ(RetryAfter(refused), "40") << "60 s window opened 20 s ago";
  now_ms_ += 39 * 1000 + 500;
  EXPECT_EQ(RetryAfter(Login("bob", "guess", Fresh(5))), "1") << "0.5 s left rounds up";
  now_ms_ += 500;
  EXPECT_EQ(Login("bob", "guess", Fresh(6)).status, 401) << "the window has passed";
}

ApiResponse Signup(ApiService& service, const std::string& user, const std::string& address) {
  nlohmann::json body = {{"username", user}, {"password", "sign-up password"}};
  return service.Handle({"POST", "/v1/signup", "application/json", body.dump(), address});
}

TEST_F(ApiLoginLimitsTest, SignUpsAreThrottledPerAddressAndNetwork) {
  // 2 per address, 3 per /24, in 600 s (SetUp's own sign-up came from 192.0.2.1).
  EXPECT_EQ(Signup(*service_, "s1", "203.0.113.1").status, 201);
  now_ms_ += 100 * 1000;
  EXPECT_EQ(Signup(*service_, "s1", "203.0.113.1").status, 409) << "a taken name counts too";
  auto refused = Signup(*service_, "s2", "203.0.113.1");
  EXPECT_EQ(refused.status, 429) << refused.body;
  EXPECT_EQ(Code(refused), "RATE_LIMITED");
  EXPECT_EQ(RetryAfter(refused), "500") << "the address's window opened 100 s ago";
  EXPECT_EQ(Signup(*service_, "s3", "203.0.113.2").status, 201) << "another address";
  EXPECT_EQ(Signup(*service_, "s4", "203.0.113.3").status, 429) << "the /24 has had 3";
  EXPECT_EQ(Signup(*service_, "s4", "203.0.114.3").status, 201) << "the next /24 has not";
  // IPv6: a /56 is one network.
  EXPECT_EQ(Signup(*service_, "v1", "2001:db8:0:100::1").status, 201);
  EXPECT_EQ(Signup(*service_, "v2", "2001:db8:0:1ff::2").status, 201);
  EXPECT_EQ(Signup(*service_, "v3", "2001:db8:0:1aa::3").status, 201);
  EXPECT_EQ(Signup(*service_, "v4", "2001:db8:0:1bb::4").status, 429) << "same /56";
  EXPECT_EQ(Signup(*service_, "v4", "2001:db8:0:200::4").status, 201) << "next /56";
  // The window passes: the first address signs up again.
  now_ms_ += 500 * 1000;
  EXPECT_EQ(Signup(*service_, "s2", "203.0.113.1").status, 201);
  // Logins are counted apart: sign-ups spent none of 203.0.113.1's login budget.
  EXPECT_EQ(Login("s2", "sign-up password", "203.0.113.1").status, 200);
}

TEST_F(ApiLoginLimitsTest, ANetworkPastItsHashBudgetIsToldWhenToComeBackAndNothingIsCounted) {
  // One hash a second per network with a burst of 2 (network_hash_budget.h), on this clock.
  config_.hash_per_prefix = {/*rate_per_s=*/1, /*burst=*/2, /*concurrent=*/0};
  ApiServiceOptions options;
  options.now_ms = [this] { return now_ms_; };
  auto service = ApiService::Create(config_, test::TestRsaKeys().private_pem, options);
  ASSERT_TRUE(service.ok()) << service.status().message();
  service_ = std::move(*service);
  EXPECT_EQ(Login("alice", kRight, "198.51.100.1").status, 200);
  EXPECT_EQ(Login("alice", kRight, "198.51.100.2").status, 200);
  for (int i = 0; i < 5; ++i) {
    auto refused = Login("alice", kRight, "198.51.100.3");
    EXPECT_EQ(refused.status, 429) << refused.body;
    EXPECT_EQ(Code(refused), "RATE_LIMITED");
    EXPECT_EQ(RetryAfter(refused), "1");
    EXPECT_NE(refused.body.find("password checks from this network"), std::string::npos);
  }
  auto signup = Login("bob", kRight, "198.51.100.4", "/v1/signup");
  EXPECT_EQ(signup.status, 429) << "a sign-up's hash draws on the same budget";
  EXPECT_NE(signup.body.find("password checks from this network"), std::string::npos)
      << signup.body;
  EXPECT_EQ(Login("alice", kRight, "203.0.113.7").status, 200) << "another network logs in";
  // The refusals were not failed logins (3 per address would throttle 198.51.100.3): a second
  // later the next token lets the right password in.
  now_ms_ += 1000;
  EXPECT_EQ(Login("alice", kRight, "198.51.100.3").status, 200);
}

}  // namespace
}  // namespace mqchat::api
