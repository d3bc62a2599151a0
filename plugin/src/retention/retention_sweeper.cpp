#include "retention/retention_sweeper.h"

#include <algorithm>
#include <chrono>
#include <utility>

namespace mqchat::retention {

int NextBatchLimit(const SweepOptions& options, int limit, int64_t removed,
                   std::chrono::nanoseconds took) {
  if (options.batch_budget_us <= 0) return options.batch;
  const int most = std::max(options.batch, 1);
  const int least = std::min(kMinBudgetedBatch, most);
  if (removed <= 0) return std::clamp(limit, least, most);
  const int64_t per_entry_ns = std::max<int64_t>(took.count() / removed, 1);
  const int64_t fits = options.batch_budget_us * 1000 / per_entry_ns;
  const int64_t grown = std::min<int64_t>(fits, int64_t{2} * std::max(limit, 1));
  return static_cast<int>(std::clamp<int64_t>(grown, least, most));
}

std::chrono::nanoseconds PauseAfterBatch(const SweepOptions& options, int64_t removed,
                                         std::chrono::nanoseconds took) {
  if (options.max_per_s <= 0 || removed <= 0) return took;
  const std::chrono::nanoseconds at_most_rate(removed * 1000000000 / options.max_per_s);
  return std::max(took, at_most_rate - took);
}

std::unique_ptr<RetentionSweeper> RetentionSweeper::Start(SweepOptions options,
                                                          store::RetentionStorePtr store,
                                                          const Clock& clock, LogFn log) {
  std::unique_ptr<RetentionSweeper> sweeper(
      new RetentionSweeper(options, std::move(store), clock, std::move(log)));
  sweeper->thread_ = std::thread([raw = sweeper.get()] { raw->Run(); });
  return sweeper;
}

RetentionSweeper::~RetentionSweeper() { Stop(); }

void RetentionSweeper::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  stop_requested_.store(true);
  cv_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

void RetentionSweeper::Run() {
  while (!stop_requested_.load()) {
    auto removed = SweepOnce();
    if (removed.ok()) {
      auto purged = PurgeResendKeys();
      if (!purged.ok()) removed = purged.status();
    }
    if (!removed.ok()) {
      if (!failing_) {
        log_(LogLevel::kWarning, "mqchat: retention sweep failed (retried every sweep): " +
                                     removed.status().ToString());
      }
      failing_ = true;
    } else {
      if (failing_) log_(LogLevel::kNotice, "mqchat: retention sweep recovered");
      failing_ = false;
      if (*removed > 0) {
        log_(LogLevel::kInfo,
             "mqchat: retention removed " + std::to_string(*removed) + " expired entries");
      }
    }
    MutexLock lock(mu_);
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.sweep_ms);
    while (!stopping_ && cv_.WaitUntil(mu_, deadline)) {
    }
  }
}

Result<int64_t> RetentionSweeper::SweepOnce() {
  int64_t removed = 0;
  store::ConversationId after = 0;
  while (!stop_requested_.load()) {
    MQCHAT_ASSIGN_OR_RETURN(auto page,
                            store_->ListRetention(after, options_.conversations_per_page));
    for (const auto& s : page) {
      MQCHAT_ASSIGN_OR_RETURN(int64_t n, SweepConversation(s));
      removed += n;
    }
    if (page.size() < static_cast<size_t>(options_.conversations_per_page)) break;
    after = page.back().id;
  }
  return removed;
}

Result<int64_t> RetentionSweeper::SweepConversation(const store::RetentionSetting& s) {
  const int64_t days = s.days.value_or(options_.default_days);
  if (days <= 0) return int64_t{0};
  int64_t removed = 0;
  int limit =
      options_.batch_budget_us > 0 ? std::min(kFirstBudgetedBatch, options_.batch) : options_.batch;
  while (!stop_requested_.load()) {
    // The cutoff is taken per batch: a long sweep removes what expired while it ran.
    const int64_t cutoff = clock_.NowMs() - days * options_.day_ms;
    const auto started = std::chrono::steady_clock::now();
    MQCHAT_ASSIGN_OR_RETURN(store::ExpiredBatch batch, store_->ExpireBatch(s.id, cutoff, limit));
    const auto took = std::chrono::steady_clock::now() - started;
    removed += batch.removed;
    removed_.fetch_add(batch.removed);
    if (batch.through_seq - batch.from_seq < limit) break;  // the rest is newer
    limit = NextBatchLimit(options_, limit, batch.removed, took);
    // Leave the store to the senders for as long as the batch took before the next one. On
    // SQLite a batch holds the database's only write lock, and a send writer that found it
    // taken retries after sleeps of up to 100 ms: with no pause between batches it lost every
    // race, and sends waited through the whole sweep (retention bench: p99 3 ms -> 1.6 s).
    PauseFor(PauseAfterBatch(options_, batch.removed, std::chrono::steady_clock::now() - started));
  }
  return removed;
}

Result<int64_t> RetentionSweeper::PurgeResendKeys() {
  int64_t purged = 0;
  while (!stop_requested_.load()) {
    const int64_t cutoff = clock_.NowMs() - options_.resend_window_ms;
    const auto started = std::chrono::steady_clock::now();
    MQCHAT_ASSIGN_OR_RETURN(int64_t n, store_->PurgeResendKeys(cutoff, options_.batch));
    purged += n;
    purged_.fetch_add(n);
    if (n < options_.batch) break;
    // As between retention batches.
    PauseFor(PauseAfterBatch(options_, n, std::chrono::steady_clock::now() - started));
  }
  return purged;
}

void RetentionSweeper::PauseFor(std::chrono::steady_clock::duration pause) {
  MutexLock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + pause;
  while (!stopping_ && cv_.WaitUntil(mu_, deadline)) {
  }
}

}  // namespace mqchat::retention
