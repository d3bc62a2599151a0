// PasswordPool (the policy's test is tests/unit/protocol/password_policy_test.cpp): the plugin's PBKDF2 format, a dummy hash for unknown
// users, and the concurrency budget.
#include <future>

#include <gtest/gtest.h>

#include "auth/password_hash.h"
#include "password_pool.h"
#include "support/wait_for.h"

namespace mqchat::api {
namespace {

TEST(PasswordPoolTest, HashesInThePluginFormatAndVerifies) {
  PasswordPool pool(1, 4, auth::kMinPbkdf2Iterations);
  auto hash = pool.Hash("correct horse");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$pbkdf2-sha256$i=", 0), 0u);
  EXPECT_TRUE(*auth::VerifyPassword("correct horse", *hash));
  EXPECT_TRUE(*pool.Verify("correct horse", *hash));
  EXPECT_FALSE(*pool.Verify("wrong horse", *hash));
  // No user: the dummy hash is checked (same work), and the answer is always "no".
  auto unknown = pool.Verify("mqchat-api dummy password", "");
  ASSERT_TRUE(unknown.ok());
  EXPECT_FALSE(*unknown);
}

TEST(PasswordPoolTest, RefusesWorkBeyondTheBudgetAtOnce) {
  // One worker, nothing may wait: while a slow hash runs, a second request is refused.
  PasswordPool pool(1, 0, 1000000);  // ~0.4 s per hash, so the first is surely still running
  auto first = std::async(std::launch::async, [&] { return pool.Hash("correct horse"); });
  ASSERT_TRUE(test::WaitFor([&] { return pool.InFlight() == 1; }, std::chrono::seconds(10), "the first hash to start"));
  auto second = pool.Verify("correct horse", "");
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Code::kResourceExhausted);
  EXPECT_TRUE(first.get().ok());
  // The slot frees just after the caller wakes.
  EXPECT_TRUE(test::WaitFor([&] { return pool.InFlight() == 0; }, std::chrono::seconds(10),
                            "the slot to free"));
  EXPECT_TRUE(pool.Verify("correct horse", "").ok());
}

}  // namespace
}  // namespace mqchat::api
