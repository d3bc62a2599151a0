// PasswordPool (the policy's test is tests/unit/protocol/password_policy_test.cpp): the plugin's PBKDF2 format, a dummy hash for unknown
// users, the concurrency budget, and turns by network.
#include <atomic>
#include <future>
#include <vector>

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

TEST(PasswordPoolTest, WaitingNetworksTakeTurnsSoAFloodDoesNotQueueAheadOfEveryoneElse) {
  // One worker, busy with a first hash while a flooding network queues three and then another
  // network one: the other network's job runs after at most one of the flood's, not after all.
  PasswordPool pool(1, 10, 1000000);  // ~0.4 s per hash: the queueing below takes far less
  std::atomic<int> finished{0};
  auto verify = [&](const std::string& network) {
    return std::async(std::launch::async, [&, network] {
      (void)pool.Verify("guess", "", network);
      return finished.fetch_add(1);
    });
  };
  auto busy = verify("busy");
  ASSERT_TRUE(test::WaitFor([&] { return pool.InFlight() == 1; }, std::chrono::seconds(10),
                            "the first hash to start"));
  std::vector<std::future<int>> flood;
  for (int i = 0; i < 3; ++i) {
    flood.push_back(verify("4:10.0.0"));
    ASSERT_TRUE(test::WaitFor([&] { return pool.InFlight() + finished >= 2 + i; },
                              std::chrono::seconds(10), "a flood job queued"));
  }
  auto other = verify("4:192.168.1");
  const int other_done = other.get();
  std::vector<int> flood_done;
  for (auto& f : flood) flood_done.push_back(f.get());
  (void)busy.get();
  // Finishing order 0..4: first in, first out would finish the other network's job last; in
  // turns it goes right after the flood's first (or second, had the first hash ended while the
  // flood was still queueing).
  EXPECT_LT(other_done, flood_done[2]) << "the other network waited for the whole flood";
}

}  // namespace
}  // namespace mqchat::api
