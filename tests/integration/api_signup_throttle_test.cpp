// Sign-up tells whether a username is taken (issue 29): a user-chosen unique name must be
// reported as taken when someone picks it (409 ALREADY_EXISTS), so the answer cannot hide it.
// What keeps it from being a cheap list of accounts is that the 409 costs what a sign-up costs:
// it counts against the sign-up throttles per address and per /24 or /56 like any sign-up (past
// them, 429 before any work), and it is answered only after the password's hash, as a created
// account is. The real mqchat-api on SQLite, each client a loopback source address.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/api_process.h"
#include "support/chat_server.h"
#include "support/http_from.h"
#include "support/latency_windows.h"

namespace mqchat::test {
namespace {

using Ms = std::chrono::duration<double, std::milli>;

class ApiSignupThrottleTest : public ::testing::Test {
 protected:
  bool Start(std::vector<std::pair<std::string, std::string>> options) {
    return StartApiOnFreshSqlite(std::move(options), server_, api_);
  }
  HttpFromResult Signup(const std::string& from, const std::string& user) {
    return PostJsonFrom(
        from, api_->port(), "/v1/signup",
        nlohmann::json{{"username", user}, {"password", "a good password for " + user}}.dump(),
        std::chrono::seconds(30));
  }
  static std::string ErrorCode(const HttpFromResult& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
  }

  std::unique_ptr<ChatServer> server_;
  std::unique_ptr<ApiProcess> api_;
};

TEST_F(ApiSignupThrottleTest, TakenUsernamesCountAgainstTheAddressAndNetworkLikeAnySignup) {
  ASSERT_TRUE(Start({{"signup_max_per_address", "3"}, {"signup_max_per_prefix", "6"}}));
  // alice exists (signed up from another network: 127.0.0.1).
  ASSERT_EQ(Signup("127.0.0.1", "alice").status, 201);
  // One address asks about alice: "taken" three times, then throttled, for any name.
  const std::string prober = "127.0.20.2";
  for (int i = 0; i < 3; ++i) {
    auto taken = Signup(prober, "alice");
    EXPECT_EQ(taken.status, 409) << i << ": " << taken.body;
    EXPECT_EQ(ErrorCode(taken), "ALREADY_EXISTS") << i;
  }
  auto throttled = Signup(prober, "alice");
  EXPECT_EQ(throttled.status, 429) << throttled.body;
  EXPECT_EQ(ErrorCode(throttled), "RATE_LIMITED");
  EXPECT_EQ(Signup(prober, "someone-new").status, 429) << "the address's budget is spent";
  // Its network (127.0.20.0/24) has 3 of its 6 left: three more addresses get one answer each,
  // then every address of that network is throttled, while another network is not.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Signup("127.0.20." + std::to_string(3 + i), "alice").status, 409) << i;
  }
  EXPECT_EQ(Signup("127.0.20.9", "alice").status, 429) << "the /24's budget is spent";
  EXPECT_EQ(Signup("127.0.20.10", "bob").status, 429) << "the /24's budget is spent";
  EXPECT_EQ(Signup("127.0.21.2", "bob").status, 201) << "another network is not throttled";
}

TEST_F(ApiSignupThrottleTest, ATakenUsernameIsAnsweredOnlyAfterThePasswordsHash) {
  // Throttles out of the way: this measures the answer's time alone.
  ASSERT_TRUE(Start({{"signup_max_per_address", "1000"},
                     {"signup_max_per_prefix", "1000"},
                     {"login_fail_max", "1000"},
                     {"login_fail_max_per_prefix", "1000"},
                     {"hash_rate_per_prefix", "0"}}));
  ASSERT_EQ(Signup("127.0.0.1", "alice").status, 201);
  // A taken name beside a refused login (one hash, no write: the cost a sign-up must not
  // undercut), alternating so a drift in the machine's load falls on both alike.
  std::vector<double> refused, taken;
  for (int i = 0; i < 10; ++i) {
    auto r = PostJsonFrom("127.0.0.1", api_->port(), "/v1/login",
                          nlohmann::json{{"username", "alice"}, {"password", "wrong guess"}}.dump(),
                          std::chrono::seconds(30));
    EXPECT_EQ(r.status, 401) << r.body;
    refused.push_back(Ms(r.elapsed).count());
    auto t = Signup("127.0.0.1", "alice");
    EXPECT_EQ(t.status, 409) << t.body;
    taken.push_back(Ms(t.elapsed).count());
  }
  const double refused_ms = Percentile(refused, 0.5), taken_ms = Percentile(taken, 0.5);
  std::printf("medians: refused login %.1f ms, taken username %.1f ms\n", refused_ms, taken_ms);
  // Were the name checked before the hash, a 409 would take about a millisecond, a small
  // fraction of a refused login (a PBKDF2 is ~60 ms on an idle core, more on a loaded one).
  EXPECT_GE(taken_ms, 0.5 * refused_ms);
}

}  // namespace
}  // namespace mqchat::test
