#include "chat/reader_pool.h"

#include <gtest/gtest.h>

#include <future>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "store/store_config.h"
#include "store/store_factory.h"
#include "support/temp_dir.h"

namespace mqchat::chat {
namespace {

// A pool on N connections to one SQLite file (WAL: concurrent readers), opened one after
// another as the plugin opens them. A job tells which worker ran it by the store it is given.
class ReaderPoolTest : public ::testing::Test {
 protected:
  std::unique_ptr<ReaderPool> MakePool(size_t readers, size_t max_queue = 10000) {
    store::StoreConfig config;
    config.backend = store::Backend::kSqlite;
    config.sqlite_path = dir_.File("store.db");
    std::vector<store::ChatStorePtr> stores;
    stores_.clear();
    for (size_t i = 0; i < readers; ++i) {
      auto opened = store::OpenChatStore(config);
      EXPECT_TRUE(opened.ok()) << opened.status().ToString();
      if (!opened.ok()) return nullptr;
      stores_.push_back(opened->get());
      stores.push_back(std::move(*opened));
    }
    return std::make_unique<ReaderPool>(std::move(stores), max_queue);
  }

  // The index of the worker owning `store`.
  size_t WorkerOf(const store::ChatStore* store) const {
    for (size_t i = 0; i < stores_.size(); ++i) {
      if (stores_[i] == store) return i;
    }
    ADD_FAILURE() << "a job ran on a store the pool was not given";
    return stores_.size();
  }

  // A user whose worker is not `other`'s.
  std::string UserOnAnotherWorker(const ReaderPool& pool, const std::string& other) const {
    for (int i = 0; i < 1000; ++i) {
      std::string user = "user" + std::to_string(i);
      if (pool.IndexFor(user) != pool.IndexFor(other)) return user;
    }
    ADD_FAILURE() << "every user maps to one worker";
    return other;
  }

  test::TempDir dir_;
  std::vector<const store::ChatStore*> stores_;  // stores_[i] is worker i's
};

TEST_F(ReaderPoolTest, SameUserGoesToTheSameWorkerEveryTime) {
  auto pool = MakePool(4);
  ASSERT_NE(pool, nullptr);
  ASSERT_EQ(pool->size(), 4u);
  std::mutex mu;
  std::map<std::string, std::vector<size_t>> ran_on;  // user -> worker of each job
  const std::vector<std::string> users = {"alice", "bob", "carol", "dave", "erin", "frank"};
  for (int round = 0; round < 20; ++round) {
    for (const auto& user : users) {
      EXPECT_EQ(&pool->For(user), &pool->worker(pool->IndexFor(user)));
      ASSERT_TRUE(pool->For(user)
                      .SubmitTask([&, user](store::ChatStore& store) {
                        std::lock_guard<std::mutex> lock(mu);
                        ran_on[user].push_back(WorkerOf(&store));
                      })
                      .ok());
    }
  }
  pool->Stop();
  for (const auto& user : users) {
    ASSERT_EQ(ran_on[user].size(), 20u) << user;
    for (size_t worker : ran_on[user]) EXPECT_EQ(worker, pool->IndexFor(user)) << user;
  }
  // Stable across pools (and runs): the mapping is a function of the name alone.
  auto again = MakePool(4);
  ASSERT_NE(again, nullptr);
  for (const auto& user : users) EXPECT_EQ(again->IndexFor(user), pool->IndexFor(user)) << user;
}

TEST_F(ReaderPoolTest, DifferentUsersAreSpreadOverTheWorkers) {
  auto pool = MakePool(4);
  ASSERT_NE(pool, nullptr);
  std::vector<int> per_worker(pool->size(), 0);
  constexpr int kUsers = 4000;
  for (int i = 0; i < kUsers; ++i) {
    const size_t index = pool->IndexFor("user" + std::to_string(i));
    ASSERT_LT(index, pool->size());
    ++per_worker[index];
  }
  for (size_t w = 0; w < per_worker.size(); ++w) {
    // 1,000 each on average; a usable hash stays well inside +-20%.
    EXPECT_GT(per_worker[w], kUsers / 4 * 8 / 10) << "worker " << w;
    EXPECT_LT(per_worker[w], kUsers / 4 * 12 / 10) << "worker " << w;
  }
}

TEST_F(ReaderPoolTest, OneReaderTakesEveryone) {
  auto pool = MakePool(1);
  ASSERT_NE(pool, nullptr);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(pool->IndexFor("user" + std::to_string(i)), 0u);
}

TEST_F(ReaderPoolTest, OneUsersJobsRunInSubmissionOrder) {
  auto pool = MakePool(4);
  ASSERT_NE(pool, nullptr);
  const std::vector<std::string> users = {"alice", "bob",   "carol", "dave",
                                          "erin",  "frank", "grace", "heidi"};
  std::mutex mu;
  std::map<std::string, std::vector<int>> order;
  constexpr int kJobs = 500;
  for (int i = 0; i < kJobs; ++i) {
    for (const auto& user : users) {  // interleaved with every other user's jobs
      ASSERT_TRUE(pool->For(user)
                      .SubmitTask([&, user, i](store::ChatStore&) {
                        std::lock_guard<std::mutex> lock(mu);
                        order[user].push_back(i);
                      })
                      .ok());
    }
  }
  pool->Stop();
  for (const auto& user : users) {
    ASSERT_EQ(order[user].size(), static_cast<size_t>(kJobs)) << user;
    for (int i = 0; i < kJobs; ++i) ASSERT_EQ(order[user][i], i) << user;
  }
}

TEST_F(ReaderPoolTest, TheQueueBoundIsPerWorker) {
  auto pool = MakePool(4, /*max_queue=*/1);
  ASSERT_NE(pool, nullptr);
  const std::string busy = "alice";
  const std::string other = UserOnAnotherWorker(*pool, busy);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  // Occupy alice's worker, then fill its one-slot queue.
  ASSERT_TRUE(pool->For(busy)
                  .SubmitTask([&, released](store::ChatStore&) {
                    started.set_value();
                    released.wait();
                  })
                  .ok());
  started.get_future().wait();
  ASSERT_TRUE(pool->For(busy).SubmitTask([](store::ChatStore&) {}).ok());
  EXPECT_EQ(pool->For(busy).SubmitTask([](store::ChatStore&) {}).code(), Code::kResourceExhausted);
  // Another worker's user is not held up by alice's full queue.
  std::promise<void> other_ran;
  ASSERT_TRUE(pool->For(other).SubmitTask([&](store::ChatStore&) { other_ran.set_value(); }).ok());
  EXPECT_EQ(other_ran.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready)
      << "a busy worker held up another user's read";
  release.set_value();
}

TEST_F(ReaderPoolTest, StopRunsWhatIsQueuedOnEveryWorkerThenRefuses) {
  auto pool = MakePool(4);
  ASSERT_NE(pool, nullptr);
  // Hold every worker, so the jobs below are still queued when Stop() begins.
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  for (size_t w = 0; w < pool->size(); ++w) {
    ASSERT_TRUE(
        pool->worker(w).SubmitTask([released](store::ChatStore&) { released.wait(); }).ok());
  }
  std::mutex mu;
  std::vector<int> ran_per_worker(pool->size(), 0);
  constexpr int kUsers = 200;
  for (int i = 0; i < kUsers; ++i) {
    ASSERT_TRUE(pool->For("user" + std::to_string(i))
                    .SubmitTask([&](store::ChatStore& store) {
                      std::lock_guard<std::mutex> lock(mu);
                      ++ran_per_worker[WorkerOf(&store)];
                    })
                    .ok());
  }
  std::thread stopper([&] { pool->Stop(); });
  release.set_value();
  stopper.join();
  int total = 0;
  for (size_t w = 0; w < ran_per_worker.size(); ++w) {
    EXPECT_GT(ran_per_worker[w], 0) << "worker " << w << " ran nothing";
    total += ran_per_worker[w];
  }
  EXPECT_EQ(total, kUsers) << "Stop() dropped queued jobs";
  for (size_t w = 0; w < pool->size(); ++w) {
    EXPECT_EQ(pool->worker(w).SubmitTask([](store::ChatStore&) {}).code(), Code::kUnavailable)
        << "worker " << w;
    EXPECT_EQ(pool->worker(w).SubmitInternal([](store::ChatStore&) {}).code(), Code::kUnavailable)
        << "worker " << w;
  }
  pool->Stop();  // again: nothing left to do
}

}  // namespace
}  // namespace mqchat::chat
