// PasswordPool (the policy's test is tests/unit/protocol/password_policy_test.cpp): the plugin's
// PBKDF2 format, a dummy hash for unknown users, the concurrency budget, turns by network, and
// each network's budget (network_hash_budget.h; its own test is api_network_hash_budget_test).
#include <sys/resource.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "auth/base64url.h"
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
  PasswordPool pool(1, 0, 1000000);  // 0.1-0.5 s per hash, so the first is surely still running
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
  PasswordPool pool(1, 10, 1000000);  // 0.1-0.5 s per hash: the queueing below takes far less
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

// A well-formed hash of `iterations` no password matches (what Verify costs is its count).
std::string HashOfCost(int iterations) {
  return "$pbkdf2-sha256$i=" + std::to_string(iterations) + "$" +
         auth::Base64UrlEncode("sixteen byte slt") + "$" + auth::Base64UrlEncode(std::string(32, 'k'));
}

TEST(PasswordPoolTest, ANetworkWithNothingRunningGetsTheNextWorker) {
  // Two workers, both busy with network A's hashes (one short, one long), while A queues two
  // more and then B one. When the short one ends, its worker takes B's job (B has nothing
  // running, A still has one) rather than A's next: one worker then runs B, A, A in turn while
  // the long hash holds the other, so B's job ends before A's queued ones.
  PasswordPool pool(2, 10, auth::kMinPbkdf2Iterations);
  std::mutex mu;
  std::vector<std::string> finished;
  auto verify = [&](const std::string& name, const std::string& network, int iterations) {
    return std::async(std::launch::async, [&, name, network, iterations] {
      (void)pool.Verify("guess", HashOfCost(iterations), network);
      std::lock_guard<std::mutex> lock(mu);
      finished.push_back(name);
    });
  };
  const std::string a = "4:10.0.0", b = "4:192.168.1";
  std::vector<std::future<void>> jobs;
  jobs.push_back(verify("a-long", a, auth::kMaxPbkdf2Iterations));  // about 20x a short one
  jobs.push_back(verify("a-medium", a, 2000000));
  ASSERT_TRUE(test::WaitFor([&] { return pool.InFlight() == 2; }, std::chrono::seconds(10),
                            "both workers busy"));
  jobs.push_back(verify("a-queued-1", a, 200000));
  ASSERT_TRUE(test::WaitFor([&] { return pool.InFlight() == 3; }, std::chrono::seconds(10),
                            "A's first queued"));
  jobs.push_back(verify("a-queued-2", a, 200000));
  ASSERT_TRUE(test::WaitFor([&] { return pool.InFlight() == 4; }, std::chrono::seconds(10),
                            "A's second queued"));
  jobs.push_back(verify("b", b, 200000));
  ASSERT_TRUE(test::WaitFor([&] { return pool.InFlight() == 5; }, std::chrono::seconds(10),
                            "B queued"));
  for (auto& job : jobs) job.get();
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(finished.size(), 5u);
  ASSERT_EQ(finished.front(), "a-medium") << "the medium hash ended while the queue was built";
  EXPECT_EQ(finished[1], "b") << "B waited behind A's queued jobs";
  EXPECT_EQ(finished.back(), "a-long");
}

TEST(PasswordPoolTest, ANetworkOverItsBudgetIsRefusedAtOnceWithItsWait) {
  int64_t now_ms = 10000;
  PasswordPoolOptions options;
  options.workers = 1;
  options.max_waiting = 10;
  options.per_network = {/*rate_per_s=*/1, /*burst=*/2, /*concurrent=*/0};
  options.now_ms = [&] { return now_ms; };
  PasswordPool pool(std::move(options));
  const std::string cheap = HashOfCost(1), flood = "4:198.51.100";
  EXPECT_TRUE(pool.Verify("guess", cheap, flood).ok());
  EXPECT_TRUE(pool.Verify("guess", cheap, flood).ok());
  PoolRefusal refused;
  auto third = pool.Verify("guess", cheap, flood, &refused);
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), Code::kResourceExhausted);
  EXPECT_EQ(refused.kind, PoolRefusal::Kind::kNetworkRate);
  EXPECT_EQ(refused.retry_after_s, 1);
  auto hash = pool.Hash("a new password", flood, &refused);
  EXPECT_FALSE(hash.ok()) << "hashing a new password draws on the same budget";
  EXPECT_TRUE(pool.Verify("guess", cheap, "4:203.0.113").ok()) << "another network";
  EXPECT_TRUE(pool.Verify("guess", cheap).ok()) << "the operator's calls are not limited";
  now_ms += 1000;
  EXPECT_TRUE(pool.Verify("guess", cheap, flood).ok()) << "a second later: one more";

  ApiResponse response = PoolRefusalResponse(refused);
  EXPECT_EQ(response.status, 429);
  EXPECT_NE(response.body.find("\"RATE_LIMITED\""), std::string::npos) << response.body;
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0], (std::pair<std::string, std::string>{"Retry-After", "1"}));
}

TEST(PasswordPoolTest, ANetworkHoldsAtMostItsHashesAtOnce) {
  PasswordPoolOptions options;
  options.workers = 2;
  options.max_waiting = 10;
  options.per_network = {/*rate_per_s=*/0, /*burst=*/1, /*concurrent=*/1};
  PasswordPool pool(std::move(options));
  const std::string flood = "4:198.51.100";
  auto slow = std::async(std::launch::async,
                         [&] { return pool.Verify("guess", HashOfCost(2000000), flood); });
  ASSERT_TRUE(test::WaitFor([&] { return pool.InFlight() == 1; }, std::chrono::seconds(10),
                            "the slow hash to start"));
  PoolRefusal refused;
  auto second = pool.Verify("guess", HashOfCost(1), flood, &refused);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(refused.kind, PoolRefusal::Kind::kNetworkBusy);
  EXPECT_EQ(PoolRefusalResponse(refused).status, 503);
  EXPECT_TRUE(pool.Verify("guess", HashOfCost(1), "4:203.0.113").ok())
      << "another network gets the free worker at once";
  EXPECT_TRUE(slow.get().ok());
  // The slot frees just after the caller wakes.
  ASSERT_TRUE(test::WaitFor([&] { return pool.InFlight() == 0; }, std::chrono::seconds(10),
                            "the slot to free"));
  EXPECT_TRUE(pool.Verify("guess", HashOfCost(1), flood).ok()) << "its slot is free again";
}

// The threads of this process whose nice value is `nice` (Linux: /proc/self/task/*/stat, field 19).
int ThreadsAtNice(int nice) {
  int count = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const size_t end_of_name = stat.rfind(')');  // the name may hold spaces
    if (end_of_name == std::string::npos) continue;
    std::istringstream fields(stat.substr(end_of_name + 2));
    std::string field;
    for (int i = 3; i <= 19 && fields >> field; ++i) {
      if (i == 19 && std::stoi(field) == nice) ++count;
    }
  }
  return count;
}

TEST(PasswordPoolTest, TheWorkersRunAtTheirNiceValue) {
  const int own = getpriority(PRIO_PROCESS, 0);  // Linux: this thread's
  if (own >= 7) GTEST_SKIP() << "this process already runs at nice 7 or lower priority";
  const int before = ThreadsAtNice(7);
  PasswordPoolOptions options;
  options.workers = 3;
  options.iterations = auth::kMinPbkdf2Iterations;
  options.worker_nice = 7;
  PasswordPool pool(std::move(options));
  EXPECT_TRUE(test::WaitFor([&] { return ThreadsAtNice(7) == before + 3; },
                            std::chrono::seconds(10), "three threads at nice 7"));
  EXPECT_EQ(getpriority(PRIO_PROCESS, 0), own) << "the calling thread keeps its priority";
}

}  // namespace
}  // namespace mqchat::api
