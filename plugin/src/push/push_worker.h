// PushWorker: delivers push jobs (store/push_store.h) to the configured push gateway. Its own
// thread and its own store connection: it claims due jobs in small batches, skips users who came
// online or muted the conversation meanwhile, POSTs the rest concurrently (HttpPoster), and
// records the outcome: delivered, retried later with backoff, or dead-lettered with the reason;
// tokens the gateway calls invalid are deleted. The writer wakes it when it recorded jobs;
// otherwise it polls. It never touches the broker thread except through `log`.
// Notify() and Stop() are thread-safe; everything else runs on the worker thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker_api.h"
#include "mqchat/status.h"
#include "presence/online_directory.h"
#include "push/backoff.h"
#include "push/call_push.h"
#include "push/gateway_protocol.h"
#include "push/http_poster.h"
#include "store/push_store.h"
#include "threads/mutex.h"
#include "util/clock.h"

namespace mqchat::push {

struct PushOptions {
  std::string gateway_url;
  int timeout_ms = 5000;
  int concurrency = 4;  // requests in flight, and jobs claimed per round
  bool tls_verify = true;
  int max_attempts = 10;  // failed attempts before a job is dead-lettered
  std::string app_id = "mqchat";
  BackoffPolicy backoff;
  int64_t poll_ms = 1000;  // longest sleep without a wake-up (jobs of other brokers, retries)
};

struct PushStats {
  std::atomic<uint64_t> delivered{0};
  std::atomic<uint64_t> skipped{0};  // user online, conversation muted, or no target left
  std::atomic<uint64_t> retried{0};
  std::atomic<uint64_t> dead{0};
  std::atomic<uint64_t> tokens_removed{0};
};

class PushWorker {
 public:
  // Called on the worker thread; must only hand the line on (to the broker thread).
  using LogFn = std::function<void(LogLevel level, std::string message)>;

  // Starts the thread. `online` and `clock` must outlive the worker; `store` is used on the
  // worker thread only. Fails if the gateway URL is unusable or libcurl cannot start.
  static Result<std::unique_ptr<PushWorker>> Start(PushOptions options, store::PushStorePtr store,
                                                   const presence::OnlineDirectory& online,
                                                   const Clock& clock, LogFn log);
  ~PushWorker();  // Stop()
  PushWorker(const PushWorker&) = delete;
  PushWorker& operator=(const PushWorker&) = delete;

  // Thread-safe: jobs were recorded; deliver them now rather than at the next poll.
  void Notify();
  // Thread-safe: abandons requests in flight (their jobs are retried after their lease, on the
  // next start) and joins the thread. Idempotent.
  void Stop();

  // Thread-safe: a call notification (call_push.h), sent at the worker's next round, once.
  void PushCall(CallNotice notice);

  const PushStats& stats() const { return stats_; }

 private:
  PushWorker(PushOptions options, store::PushStorePtr store,
             const presence::OnlineDirectory& online, const Clock& clock, LogFn log,
             std::unique_ptr<HttpPoster> poster);
  void Run();
  // One round: claims up to `concurrency` due jobs and settles them. Returns how many it
  // claimed, or -1 if the store failed.
  int DeliverDue();
  // Sends the queued call notifications (call_push.cpp), each once.
  void DeliverCalls();
  static constexpr size_t kMaxQueuedCalls = 1000;
  // One claimed job, ready to POST, and the tokens it names.
  struct Post {
    store::PushJob job;
    std::vector<std::string> tokens;
    std::string body;
  };
  // Re-checks a claimed job (online, muted, targets) and builds its request with the user's
  // unread total (read once per user per round into `totals`); a job that needs no request is
  // settled here and yields nothing.
  std::optional<Post> Prepare(store::PushJob job, int64_t now,
                              std::map<std::string, int64_t>& totals);
  // Waits until notified, stopping, the next job is due, or poll_ms passed.
  void WaitForWork(bool store_failed);
  // What the gateway said about one job: delivered, dead (tokens removed), or retried.
  void Settle(const store::PushJob& job, const GatewayOutcome& outcome);
  void Finish(const store::PushJob& job, store::PushJobState end, const std::string& note);
  void Retry(const store::PushJob& job, const std::string& reason);
  void RemoveTokens(const store::PushJob& job, const std::vector<std::string>& tokens);
  // Logs a store failure once, until the store works again.
  void StoreFailed(const Status& status);
  void StoreWorked();
  void MaybePurge();

  const PushOptions options_;
  store::PushStorePtr store_;  // worker thread
  const presence::OnlineDirectory& online_;
  const Clock& clock_;
  LogFn log_;
  std::unique_ptr<HttpPoster> poster_;  // worker thread; Interrupt() from Stop()
  std::mt19937_64 random_;              // worker thread: backoff jitter
  bool store_failing_ = false;          // worker thread
  int64_t next_purge_ms_ = 0;           // worker thread, monotonic
  PushStats stats_;

  Mutex mu_;
  CondVar cv_;
  bool notified_ GUARDED_BY(mu_) = false;
  std::vector<CallNotice> calls_ GUARDED_BY(mu_);  // PushCall's, not yet sent
  std::set<std::string> rung_by_push_;             // worker thread: "<call_id>\n<user>"
  bool stopping_ GUARDED_BY(mu_) = false;
  std::atomic<bool> stop_requested_{false};
  std::thread thread_;  // last: started once everything above is ready
};

}  // namespace mqchat::push
