// RetentionSweeper: removes expired messages in the background (issue 24; docs/OPERATIONS.md
// "Retention"). Its own thread and its own store connection (store/retention_store.h), never
// the broker thread: every `sweep_ms` it walks every conversation by id and, for each with a
// retention (its own days, else the server's default; 0 keeps forever), removes the entries
// older than that in batches of `batch`, each one short transaction that also raises the
// conversation's expired_through_seq, and then waits as long as the batch took (or longer, under
// a `max_per_s` ceiling: PauseAfterBatch), so senders get
// the store (on SQLite, its one write lock) between batches: a send waits for one batch's
// transaction at most, and a sweep takes about twice its transactions' time. With a time
// budget (`batch_budget_us`, SQLite's default) a batch's size follows what the last one cost
// (NextBatchLimit), so a send waits about that budget at most instead of a whole `batch`.
// After each sweep it purges the resend keys older than `resend_window_ms` (migration 028) the
// same way: batches of `batch`, each one short statement, with as long a pause after each.
// Several brokers sharing a store may each sweep: a batch raced by another removes nothing.
// Stop() is thread-safe; everything else runs on the sweeper thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "broker/broker_api.h"
#include "mqchat/status.h"
#include "store/retention_store.h"
#include "threads/mutex.h"
#include "util/clock.h"

namespace mqchat::retention {

struct SweepOptions {
  int64_t default_days = 0;      // the server's default; 0 keeps forever
  int64_t day_ms = 86400000;     // one retention day (shorter in tests)
  int64_t sweep_ms = 60000;      // pause between sweeps
  int batch = 500;               // entries per transaction (with a budget: at most)
  // > 0: each transaction should take about this long (µs); its entries are sized from the
  // last batch's time per entry, between kMinBudgetedBatch and `batch`. 0: always `batch`.
  int64_t batch_budget_us = 0;
  int conversations_per_page = 500;
  int64_t resend_window_ms = 86400000;  // resend keys are kept this long (docs/PROTOCOL.md)
  // > 0: at most this many entries (or resend keys) removed a second: the pause after a batch
  // is stretched so that the batch and its pause last at least removed / max_per_s. On
  // PostgreSQL a catch-up sweep unpaced removed ~60,000 entries a second and its WAL and CPU
  // tripled the senders' p99 (docs/BENCHMARKS.md). 0: no ceiling.
  int64_t max_per_s = 0;
};

// The fewest entries a budgeted batch removes (a slow store must not stall the sweep), and the
// first budgeted batch of a conversation (its cost is not known yet).
inline constexpr int kMinBudgetedBatch = 8;
inline constexpr int kFirstBudgetedBatch = 32;

// The entries for the next batch after one of `limit` entries that removed `removed` in `took`:
// `batch` without a budget; with one, as many as fit in it at the last batch's time per entry,
// at most twice `limit` (one fast batch must not overshoot), between kMinBudgetedBatch and
// `batch`. A batch that removed nothing (raced) keeps `limit`.
int NextBatchLimit(const SweepOptions& options, int limit, int64_t removed,
                   std::chrono::nanoseconds took);

// The pause after a batch that removed `removed` entries in `took`: as long as the batch took
// (senders get the store between batches), and longer if `max_per_s` needs it, so that the batch
// and its pause together last at least removed / max_per_s.
std::chrono::nanoseconds PauseAfterBatch(const SweepOptions& options, int64_t removed,
                                         std::chrono::nanoseconds took);

class RetentionSweeper {
 public:
  // Called on the sweeper thread; must only hand the line on (to the broker thread).
  using LogFn = std::function<void(LogLevel level, std::string message)>;

  // Starts the thread. `clock` must outlive the sweeper; `store` is used on its thread only.
  static std::unique_ptr<RetentionSweeper> Start(SweepOptions options,
                                                 store::RetentionStorePtr store,
                                                 const Clock& clock, LogFn log);
  ~RetentionSweeper();  // Stop()
  RetentionSweeper(const RetentionSweeper&) = delete;
  RetentionSweeper& operator=(const RetentionSweeper&) = delete;

  // Thread-safe: ends the current batch's loop and joins the thread. Idempotent.
  void Stop();

  // Entries removed since start (any thread).
  int64_t removed() const { return removed_.load(); }
  // Resend keys purged since start (any thread).
  int64_t purged() const { return purged_.load(); }

  // One sweep of every conversation, on the calling thread (the sweeper's loop; unit tests).
  // Returns the entries removed, or the first store failure.
  Result<int64_t> SweepOnce();
  // Every resend key older than the window, batch by batch, on the calling thread. Returns the
  // keys purged, or the first store failure.
  Result<int64_t> PurgeResendKeys();

 private:
  RetentionSweeper(SweepOptions options, store::RetentionStorePtr store, const Clock& clock,
                   LogFn log)
      : options_(options), store_(std::move(store)), clock_(clock), log_(std::move(log)) {}
  void Run();
  // Removes conversation `s`'s expired entries, batch by batch, until none is left or Stop().
  Result<int64_t> SweepConversation(const store::RetentionSetting& s);
  // Waits `pause`, or less if Stop() is called.
  void PauseFor(std::chrono::steady_clock::duration pause);

  const SweepOptions options_;
  const store::RetentionStorePtr store_;  // sweeper thread
  const Clock& clock_;
  const LogFn log_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<int64_t> removed_{0};
  std::atomic<int64_t> purged_{0};
  bool failing_ = false;  // sweeper thread: the last sweep failed (logged once until it works)
  Mutex mu_;
  CondVar cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace mqchat::retention
