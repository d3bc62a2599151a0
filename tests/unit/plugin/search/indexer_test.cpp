// The indexer (search/indexer.h) against a small in-memory SearchStore: a burst of
// notifications is gathered into one pass (one transaction per conversation instead of one per
// notification), a sweep still finds conversations nobody notified, and Stop does not wait out
// a gathering pass.
#include "search/indexer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "util/thread_priority.h"

namespace mqchat::search {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr auto kDeadline = std::chrono::seconds(30);

// Conversations' logs (one message per event) and their progress; shared with the test thread.
class FakeSearchStore final : public store::SearchStore {
 public:
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    std::map<store::ConversationId, std::vector<std::string>> logs;  // seq = index + 1
    std::map<store::ConversationId, int64_t> indexed;
    std::map<store::ConversationId, int> writes;  // WriteIndex calls per conversation
    int sweeps = 0;
    int sweep_nice = -1;  // the nice value of the thread that swept

    void Append(store::ConversationId id, const std::string& text) {
      std::lock_guard<std::mutex> lock(mu);
      logs[id].push_back(text);
    }
    // Waits until `pred` holds (under the lock); false at the deadline.
    template <typename Pred>
    bool WaitFor(Pred pred) {
      std::unique_lock<std::mutex> lock(mu);
      return cv.wait_for(lock, kDeadline, pred);
    }
  };

  explicit FakeSearchStore(Shared* shared) : shared_(shared) {}

  Result<std::vector<store::ConversationId>> ConversationsBehind(int limit) override {
    std::lock_guard<std::mutex> lock(shared_->mu);
    std::vector<store::ConversationId> out;
    for (const auto& [id, log] : shared_->logs) {
      if (static_cast<int>(out.size()) < limit &&
          static_cast<int64_t>(log.size()) > shared_->indexed[id]) {
        out.push_back(id);
      }
    }
    ++shared_->sweeps;
    shared_->sweep_nice = ThisThreadNice();
    shared_->cv.notify_all();
    return out;
  }
  Result<store::IndexChanges> ReadIndexChanges(store::ConversationId id, int limit) override {
    std::lock_guard<std::mutex> lock(shared_->mu);
    store::IndexChanges changes;
    const std::vector<std::string>& log = shared_->logs[id];
    for (int64_t seq = shared_->indexed[id] + 1;
         seq <= static_cast<int64_t>(log.size()) && changes.messages.size() < size_t(limit);
         ++seq) {
      changes.messages.push_back({seq, 1000 + seq, log[size_t(seq - 1)], true});
      changes.last_seq = seq;
    }
    return changes;
  }
  Status WriteIndex(store::ConversationId id, const std::vector<store::IndexEntry>& entries,
                    int64_t indexed_seq) override {
    std::lock_guard<std::mutex> lock(shared_->mu);
    EXPECT_FALSE(entries.empty());
    shared_->indexed[id] = std::max(shared_->indexed[id], indexed_seq);
    ++shared_->writes[id];
    shared_->cv.notify_all();
    return Status::Ok();
  }
  Result<bool> IsMember(store::ConversationId, const std::string&) override { return false; }
  Result<int64_t> CountPostings(int64_t, store::ConversationId, int64_t) override { return 0; }
  Result<std::vector<store::SearchCandidate>> Candidates(const store::CandidateQuery&) override {
    return std::vector<store::SearchCandidate>{};
  }

 private:
  Shared* shared_;
};

IndexerOptions Options(int64_t gather_ms) {
  IndexerOptions options;
  options.gather_ms = gather_ms;
  options.sweep_interval_ms = 3600 * 1000;  // only the sweep at start
  return options;
}

TEST(IndexerTest, GathersABurstOfNotificationsIntoOnePass) {
  FakeSearchStore::Shared shared;
  Indexer indexer(std::make_unique<FakeSearchStore>(&shared), Options(2000), nullptr);
  ASSERT_TRUE(shared.WaitFor([&] { return shared.sweeps >= 1; }));  // the start's sweep is over

  // Three messages 50 ms apart in conversation 7, one in 8: each notified after its commit, as
  // the writer does.
  for (int i = 0; i < 3; ++i) {
    shared.Append(7, "lunch " + std::to_string(i));
    indexer.Notify({7});
    if (i == 1) {
      shared.Append(8, "meeting");
      indexer.Notify({8});
    }
    std::this_thread::sleep_for(milliseconds(50));  // the burst's spacing (the scenario)
  }
  ASSERT_TRUE(shared.WaitFor([&] { return shared.indexed[7] == 3 && shared.indexed[8] == 1; }));
  std::lock_guard<std::mutex> lock(shared.mu);
  EXPECT_EQ(shared.writes[7], 1) << "one transaction for the burst, not one per message";
  EXPECT_EQ(shared.writes[8], 1);
}

TEST(IndexerTest, IndexesEachNotificationWithoutGathering) {
  FakeSearchStore::Shared shared;
  Indexer indexer(std::make_unique<FakeSearchStore>(&shared), Options(0), nullptr);
  ASSERT_TRUE(shared.WaitFor([&] { return shared.sweeps >= 1; }));
  for (int i = 1; i <= 2; ++i) {
    shared.Append(7, "lunch");
    indexer.Notify({7});
    ASSERT_TRUE(shared.WaitFor([&] { return shared.indexed[7] == i; }));
  }
  std::lock_guard<std::mutex> lock(shared.mu);
  EXPECT_EQ(shared.writes[7], 2);
}

TEST(IndexerTest, StartSweepFindsConversationsNobodyNotified) {
  FakeSearchStore::Shared shared;
  shared.Append(5, "written by another broker");
  shared.Append(5, "and another");
  Indexer indexer(std::make_unique<FakeSearchStore>(&shared), Options(250), nullptr);
  ASSERT_TRUE(shared.WaitFor([&] { return shared.indexed[5] == 2; }));
}

TEST(IndexerTest, StopDoesNotWaitOutTheGathering) {
  FakeSearchStore::Shared shared;
  auto indexer = std::make_unique<Indexer>(std::make_unique<FakeSearchStore>(&shared),
                                           Options(600000), nullptr);
  ASSERT_TRUE(shared.WaitFor([&] { return shared.sweeps >= 1; }));
  shared.Append(7, "lunch");
  indexer->Notify({7});
  const auto start = steady_clock::now();
  indexer->Stop();  // gathering for 10 minutes: must return at once
  EXPECT_LT(steady_clock::now() - start, kDeadline);
  std::lock_guard<std::mutex> lock(shared.mu);
  EXPECT_EQ(shared.writes[7], 0);  // left to the next start's sweep
}

// Indexing is background work: on busy cores the broker thread and the send writer run first
// (the indexer's CPU is what is left of its cost to sends on SQLite, docs/BENCHMARKS.md).
TEST(IndexerTest, RunsAtALowerPriorityThanTheThreadThatStartedIt) {
  FakeSearchStore::Shared shared;
  const int mine = ThisThreadNice();
  Indexer indexer(std::make_unique<FakeSearchStore>(&shared), Options(0), nullptr);
  ASSERT_TRUE(shared.WaitFor([&] { return shared.sweeps >= 1; }));
  std::lock_guard<std::mutex> lock(shared.mu);
  EXPECT_EQ(shared.sweep_nice, IndexerOptions{}.thread_nice);
  EXPECT_GT(shared.sweep_nice, mine);
  EXPECT_EQ(ThisThreadNice(), mine) << "the caller's own priority changed";
}

}  // namespace
}  // namespace mqchat::search
