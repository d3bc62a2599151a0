// RetentionSweeper against a fake RetentionStore: what it removes, that it leaves the store's
// write lock free between two batches for at least as long as a batch held it, and that with a
// time budget (SQLite) its batches are sized to fit the budget (NextBatchLimit).
#include "retention/retention_sweeper.h"

#include <gtest/gtest.h>

#include "support/wait_for.h"

#include <chrono>
#include <thread>
#include <vector>

namespace mqchat::retention {
namespace {

using Steady = std::chrono::steady_clock;

class FixedClock final : public Clock {
 public:
  int64_t NowMs() const override { return 10 * 86400000LL; }
  int64_t MonotonicMs() const override { return 0; }
};

// One conversation with `expired` old entries; each ExpireBatch holds "the lock" for
// `batch_time` plus `entry_time` per entry removed (as a store's write transaction would) and
// records when it began and ended, and the limit it was given.
class FakeRetentionStore final : public store::RetentionStore {
 public:
  FakeRetentionStore(int64_t expired, std::chrono::milliseconds batch_time,
                     std::chrono::microseconds entry_time = std::chrono::microseconds(0))
      : expired_(expired), batch_time_(batch_time), entry_time_(entry_time) {}

  Status SetRetention(store::ConversationId, const std::string&, std::optional<int64_t>,
                      int64_t) override {
    return Status::Ok();
  }
  Status SetSlowMode(store::ConversationId, const std::string&, int64_t, int64_t) override {
    return Status::Ok();
  }
  Result<store::RetentionSetting> GetRetention(store::ConversationId) override {
    return store::RetentionSetting{1, 1, through_};
  }
  Result<std::vector<store::RetentionSetting>> ListRetention(store::ConversationId after,
                                                             int) override {
    if (after >= 1) return std::vector<store::RetentionSetting>{};
    return std::vector<store::RetentionSetting>{{1, 1, through_}};
  }
  Result<store::ExpiredBatch> ExpireBatch(store::ConversationId, int64_t, int limit) override {
    const auto begin = Steady::now();
    const int64_t n = std::min<int64_t>(limit, expired_ - through_);
    // The transaction's time holding the lock.
    std::this_thread::sleep_for(batch_time_ + entry_time_ * n);
    limits.push_back(limit);
    store::ExpiredBatch b{through_, through_ + n, n};
    through_ += n;
    spans.push_back({begin, Steady::now()});
    return b;
  }

  // Migration 028's resend keys: `keys` of them older than any cutoff.
  Result<int64_t> PurgeResendKeys(int64_t cutoff_ms, int limit) override {
    purge_cutoffs.push_back(cutoff_ms);
    const int64_t n = std::min<int64_t>(limit, keys);
    keys -= n;
    return n;
  }

  std::vector<std::pair<Steady::time_point, Steady::time_point>> spans;
  std::vector<int> limits;
  int64_t keys = 0;
  std::vector<int64_t> purge_cutoffs;

 private:
  const int64_t expired_;
  const std::chrono::milliseconds batch_time_;
  const std::chrono::microseconds entry_time_;
  int64_t through_ = 0;
};

// Starts a sweeper over `store` and waits (on its counter, with a deadline) until it removed
// `total`; then stops it, so the store is read on this thread only after the sweeper's joined.
// The sweeper owns the store: keep it while reading the store.
std::unique_ptr<RetentionSweeper> SweepAll(std::unique_ptr<FakeRetentionStore> owned, int64_t total,
                                           int64_t batch_budget_us = 0, int64_t max_per_s = 0) {
  static FixedClock clock;
  SweepOptions options;
  options.batch = 500;
  options.batch_budget_us = batch_budget_us;
  options.max_per_s = max_per_s;
  options.sweep_ms = 3600000;
  auto sweeper = RetentionSweeper::Start(options, std::move(owned), clock,
                                         [](LogLevel, std::string) {});
  test::WaitFor([&] { return sweeper->removed() == total; }, std::chrono::seconds(20),
                "the sweeper to remove every expired entry");
  sweeper->Stop();
  EXPECT_EQ(sweeper->removed(), total);
  return sweeper;
}

TEST(RetentionSweeperTest, RemovesEveryExpiredEntryInBatches) {
  auto owned = std::make_unique<FakeRetentionStore>(1250, std::chrono::milliseconds(0));
  FakeRetentionStore* store = owned.get();
  auto sweeper = SweepAll(std::move(owned), 1250);
  EXPECT_EQ(store->spans.size(), 3u);  // 500 + 500 + 250
}

// After each sweep, the resend keys older than the window go, a batch at a time, until a batch
// finds fewer than it may take.
TEST(RetentionSweeperTest, PurgesTheResendKeysOlderThanTheWindowInBatches) {
  auto owned = std::make_unique<FakeRetentionStore>(0, std::chrono::milliseconds(0));
  FakeRetentionStore* store = owned.get();
  store->keys = 1200;
  static FixedClock clock;
  SweepOptions options;
  options.batch = 500;
  options.sweep_ms = 3600000;
  options.resend_window_ms = 6 * 3600000;
  auto sweeper =
      RetentionSweeper::Start(options, std::move(owned), clock, [](LogLevel, std::string) {});
  test::WaitFor([&] { return sweeper->purged() == 1200; }, std::chrono::seconds(20),
                "the sweeper to purge every old resend key");
  sweeper->Stop();
  EXPECT_EQ(store->keys, 0);
  EXPECT_EQ(store->purge_cutoffs, std::vector<int64_t>(3, clock.NowMs() - 6 * 3600000));
}

// On SQLite a batch holds the database's only write lock; a sweeper that starts its next batch
// the moment one commits leaves a waiting send writer (whose busy handler retries after
// growing sleeps) almost no chance to get it: the retention bench saw send p99 jump from 3 ms
// to 1.6 s during a sweep of a million messages. Between two batches the sweeper now waits at
// least as long as the last batch took.
TEST(RetentionSweeperTest, LeavesTheStoreFreeBetweenBatchesForAsLongAsABatchTook) {
  auto owned = std::make_unique<FakeRetentionStore>(2000, std::chrono::milliseconds(20));
  FakeRetentionStore* store = owned.get();
  auto sweeper = SweepAll(std::move(owned), 2000);
  ASSERT_GE(store->spans.size(), 4u);
  for (size_t i = 1; i < store->spans.size(); ++i) {
    using std::chrono::duration_cast;
    using std::chrono::microseconds;
    const auto held = duration_cast<microseconds>(store->spans[i - 1].second -
                                                  store->spans[i - 1].first).count();
    const auto free = duration_cast<microseconds>(store->spans[i].first -
                                                  store->spans[i - 1].second).count();
    EXPECT_GE(free, held) << "microseconds free before batch " << i << " vs held by the last";
  }
}

// With a time budget (SQLite: a send waits for a batch's write lock), each batch holds as many
// entries as the last one's time per entry fits in the budget: the retention bench saw send
// p99 go from 2.9 ms to 7.9 ms during a sweep in fixed batches of 500 (~7 ms each).
TEST(RetentionSweeperTest, NextBatchLimitFitsTheBudgetAtTheLastBatchsPace) {
  using std::chrono::microseconds;
  SweepOptions o;
  o.batch = 500;
  EXPECT_EQ(NextBatchLimit(o, 500, 500, microseconds(7000)), 500);  // no budget: `batch`
  o.batch_budget_us = 1000;
  EXPECT_EQ(NextBatchLimit(o, 32, 32, microseconds(3200)), 10);   // 100 µs each: 10 fit
  EXPECT_EQ(NextBatchLimit(o, 32, 32, microseconds(32)), 64);     // 1 µs each: at most twice
  EXPECT_EQ(NextBatchLimit(o, 400, 400, microseconds(40)), 500);  // never above `batch`
  EXPECT_EQ(NextBatchLimit(o, 32, 32, microseconds(64000)), kMinBudgetedBatch);  // a slow store
  EXPECT_EQ(NextBatchLimit(o, 40, 0, microseconds(5000)), 40);  // raced: nothing to learn from
  o.batch = 5;
  EXPECT_EQ(NextBatchLimit(o, 5, 5, microseconds(64000)), 5);  // `batch` below the least
}

TEST(RetentionSweeperTest, WithABudgetBatchesAreSizedToTakeAboutThatLong) {
  // 100 µs per entry and a budget of 1 ms: 10 entries a batch after the first (a loaded
  // machine's longer sleeps only make the estimate, and so the batches, smaller, down to 8).
  auto owned = std::make_unique<FakeRetentionStore>(400, std::chrono::milliseconds(0),
                                                    std::chrono::microseconds(100));
  FakeRetentionStore* store = owned.get();
  auto sweeper = SweepAll(std::move(owned), 400, 1000);
  ASSERT_GE(store->limits.size(), 3u);
  EXPECT_EQ(store->limits.front(), kFirstBudgetedBatch);
  for (size_t i = 1; i < store->limits.size(); ++i) {
    EXPECT_GE(store->limits[i], kMinBudgetedBatch) << "batch " << i;
    EXPECT_LE(store->limits[i], 10) << "batch " << i;
  }
}

// A ceiling on entries a second (PostgreSQL: an unpaced catch-up sweep removed ~60,000 a second
// and tripled the senders' p99): the pause after a batch is stretched so that the batch and its
// pause last removed / max_per_s; never shorter than the batch itself.
TEST(RetentionSweeperTest, PauseAfterBatchKeepsUnderTheCeiling) {
  using std::chrono::milliseconds;
  SweepOptions o;
  EXPECT_EQ(PauseAfterBatch(o, 500, milliseconds(7)), milliseconds(7));  // no ceiling: as long
  o.max_per_s = 10000;
  EXPECT_EQ(PauseAfterBatch(o, 500, milliseconds(7)), milliseconds(43));  // 500 take 50 ms
  EXPECT_EQ(PauseAfterBatch(o, 500, milliseconds(40)), milliseconds(40));  // never shorter
  EXPECT_EQ(PauseAfterBatch(o, 0, milliseconds(3)), milliseconds(3));      // raced: as long
}

TEST(RetentionSweeperTest, ASweepUnderACeilingTakesAtLeastItsEntriesOverTheRate) {
  // 1,250 entries in batches of 500 (instant) at 5,000 a second: the two full batches are each
  // followed by 100 ms, so the sweep cannot end in less than 200 ms.
  auto owned = std::make_unique<FakeRetentionStore>(1250, std::chrono::milliseconds(0));
  FakeRetentionStore* store = owned.get();
  const auto started = std::chrono::steady_clock::now();
  auto sweeper = SweepAll(std::move(owned), 1250, 0, 5000);
  ASSERT_EQ(store->spans.size(), 3u);
  EXPECT_GE(store->spans[2].first - started, std::chrono::milliseconds(200));
}

}  // namespace
}  // namespace mqchat::retention
