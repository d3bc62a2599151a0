// RetentionSweeper against a fake RetentionStore: what it removes, and that it leaves the
// store's write lock free between two batches for at least as long as a batch held it.
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
// `batch_time` (as a store's write transaction would) and records when it began and ended.
class FakeRetentionStore final : public store::RetentionStore {
 public:
  FakeRetentionStore(int64_t expired, std::chrono::milliseconds batch_time)
      : expired_(expired), batch_time_(batch_time) {}

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
    std::this_thread::sleep_for(batch_time_);  // the transaction's time holding the lock
    const int64_t n = std::min<int64_t>(limit, expired_ - through_);
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
  int64_t keys = 0;
  std::vector<int64_t> purge_cutoffs;

 private:
  const int64_t expired_;
  const std::chrono::milliseconds batch_time_;
  int64_t through_ = 0;
};

// Starts a sweeper over `store` and waits (on its counter, with a deadline) until it removed
// `total`; then stops it, so the store is read on this thread only after the sweeper's joined.
// The sweeper owns the store: keep it while reading the store.
std::unique_ptr<RetentionSweeper> SweepAll(std::unique_ptr<FakeRetentionStore> owned, int64_t total) {
  static FixedClock clock;
  SweepOptions options;
  options.batch = 500;
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

}  // namespace
}  // namespace mqchat::retention
