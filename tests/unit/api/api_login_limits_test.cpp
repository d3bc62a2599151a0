// POST /v1/login's throttles (issue 29; api/src/login_limits.h), through ApiService without a
// socket: failed logins per username (any spelling), per address and per /24, each past its
// limit answered 429 RATE_LIMITED with Retry-After even for the right password; unknown names
// throttled exactly like known ones; a verified login starts its name's count over.
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

}  // namespace
}  // namespace mqchat::api
