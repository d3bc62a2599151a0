#include "push/push_worker.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "metrics/instruments.h"
#include "push/gateway_protocol.h"

namespace mqchat::push {
namespace {

// A claimed job's lease outlasts its request (timeout_ms) by this much, for the store updates.
constexpr int64_t kLeaseMarginMs = 5000;
// Finished jobs are kept this long for inspection, then purged (checked hourly).
constexpr int64_t kKeepDeliveredMs = 24LL * 3600 * 1000;
constexpr int64_t kKeepDeadMs = 7LL * 24 * 3600 * 1000;
constexpr int64_t kPurgeEveryMs = 3600LL * 1000;

}  // namespace

Result<std::unique_ptr<PushWorker>> PushWorker::Start(PushOptions options,
                                                      store::PushStorePtr store,
                                                      const presence::OnlineDirectory& online,
                                                      const Clock& clock, LogFn log) {
  if (store == nullptr) return Status::InvalidArgument("PushWorker needs a store");
  options.concurrency = std::max(options.concurrency, 1);
  options.max_attempts = std::max(options.max_attempts, 1);
  HttpPosterOptions http;
  http.url = options.gateway_url;
  http.timeout_ms = options.timeout_ms;
  http.concurrency = options.concurrency;
  http.tls_verify = options.tls_verify;
  MQCHAT_ASSIGN_OR_RETURN(auto poster, HttpPoster::Create(std::move(http)));
  return std::unique_ptr<PushWorker>(new PushWorker(std::move(options), std::move(store), online,
                                                    clock, std::move(log), std::move(poster)));
}

PushWorker::PushWorker(PushOptions options, store::PushStorePtr store,
                       const presence::OnlineDirectory& online, const Clock& clock, LogFn log,
                       std::unique_ptr<HttpPoster> poster)
    : options_(std::move(options)),
      store_(std::move(store)),
      online_(online),
      clock_(clock),
      log_(std::move(log)),
      poster_(std::move(poster)),
      random_(std::random_device{}()),
      thread_([this] { Run(); }) {}

PushWorker::~PushWorker() { Stop(); }

void PushWorker::Notify() {
  {
    MutexLock lock(mu_);
    notified_ = true;
  }
  cv_.NotifyOne();
}

void PushWorker::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  stop_requested_.store(true);
  cv_.NotifyAll();
  poster_->Interrupt();
  if (thread_.joinable()) thread_.join();
}

void PushWorker::Run() {
  while (!stop_requested_.load()) {
    {
      // Wake-ups from here on are for jobs this round may not see: they end the next wait.
      MutexLock lock(mu_);
      notified_ = false;
    }
    MaybePurge();
    DeliverCalls();
    const int claimed = DeliverDue();
    if (claimed == options_.concurrency) continue;  // a full round: more may be due already
    WaitForWork(claimed < 0);
  }
}

void PushWorker::WaitForWork(bool store_failed) {
  int64_t delay = options_.poll_ms;
  if (!store_failed) {
    auto due = store_->NextDueMs();
    if (due.ok() && due->has_value()) {
      delay = std::clamp<int64_t>(**due - clock_.NowMs(), 0, options_.poll_ms);
    }
  }
  MutexLock lock(mu_);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(delay);
  while (!stopping_ && !notified_ && cv_.WaitUntil(mu_, deadline)) {
  }
}

int PushWorker::DeliverDue() {
  const int64_t now = clock_.NowMs();
  auto claimed =
      store_->ClaimDueJobs(now, options_.concurrency, now + options_.timeout_ms + kLeaseMarginMs);
  if (!claimed.ok()) {
    StoreFailed(claimed.status());
    return -1;
  }
  StoreWorked();

  std::vector<Post> posts;
  std::vector<std::string> bodies;
  // Read once per user and round, so every notification of a round says the same total.
  std::map<std::string, int64_t> totals;
  for (store::PushJob& job : *claimed) {
    auto post = Prepare(std::move(job), now, totals);
    if (!post) continue;
    bodies.push_back(std::move(post->body));
    posts.push_back(std::move(*post));
  }
  if (posts.empty()) return static_cast<int>(claimed->size());

  const std::vector<HttpResult> results = poster_->PostAll(bodies);
  // Each request's own time: a round's requests run at once, and one slow gateway answer must
  // not make the round's fast ones look slow.
  for (const HttpResult& result : results) {
    metrics::Get().push_gateway_seconds.Observe(result.seconds);
  }
  if (stop_requested_.load()) return 0;  // abandoned: the leases bring the jobs back
  for (size_t i = 0; i < posts.size(); ++i) {
    Settle(posts[i].job, ClassifyGatewayResponse(results[i], posts[i].tokens));
  }
  return static_cast<int>(claimed->size());
}

std::optional<PushWorker::Post> PushWorker::Prepare(store::PushJob job, int64_t now,
                                                    std::map<std::string, int64_t>& totals) {
  const bool counts_only = job.conversation_id == store::kCountsOnlyJob;
  // Re-checked here, not only when the job was recorded: the user may have come online (their
  // devices fetch the messages themselves) or muted the conversation since. A counts-only job
  // follows a read, so its user is usually online: it goes to their devices all the same.
  if (!counts_only && online_.IsOnline(job.username)) {
    Finish(job, store::PushJobState::kDelivered, "skipped: the user came online");
    return std::nullopt;
  }
  auto muted =
      counts_only ? Result<bool>(false) : store_->IsMuted(job.conversation_id, job.username, now);
  auto targets = muted.ok() ? store_->TargetsOf(job.username)
                            : Result<std::vector<store::PushTarget>>(muted.status());
  if (!targets.ok()) {
    StoreFailed(targets.status());  // the job is retried when its lease ends
    return std::nullopt;
  }
  if (*muted && !job.mention) {  // a mention passes a mute (docs/PROTOCOL.md 7.2)
    Finish(job, store::PushJobState::kDelivered, "skipped: the conversation is muted");
    return std::nullopt;
  }
  if (targets->empty()) {
    Finish(job, store::PushJobState::kDelivered, "skipped: no push target left");
    return std::nullopt;
  }
  auto total = totals.find(job.username);
  if (total == totals.end()) {
    auto read = store_->UnreadTotal(job.username, now);
    if (!read.ok()) {
      StoreFailed(read.status());  // the job is retried when its lease ends
      return std::nullopt;
    }
    total = totals.emplace(job.username, *read).first;
  }
  Post post;
  for (const store::PushTarget& t : *targets) post.tokens.push_back(t.token);
  post.body = BuildNotification(job, *targets, options_.app_id, total->second);
  post.job = std::move(job);
  return post;
}

void PushWorker::Settle(const store::PushJob& job, const GatewayOutcome& outcome) {
  switch (outcome.verdict) {
    case GatewayVerdict::kDelivered:
      RemoveTokens(job, outcome.invalid_tokens);
      stats_.delivered.fetch_add(1);
      metrics::Get().push_jobs.With({"delivered"}).Inc();
      Finish(job, store::PushJobState::kDelivered, outcome.reason);
      break;
    case GatewayVerdict::kTokensInvalid:
      RemoveTokens(job, outcome.invalid_tokens);
      stats_.dead.fetch_add(1);
      metrics::Get().push_jobs.With({"dead"}).Inc();
      Finish(job, store::PushJobState::kDead, outcome.reason);
      break;
    case GatewayVerdict::kRetry:
      Retry(job, outcome.reason);
      break;
    case GatewayVerdict::kFailed:
      stats_.dead.fetch_add(1);
      metrics::Get().push_jobs.With({"dead"}).Inc();
      log_(LogLevel::kWarning, "mqchat: push job " + std::to_string(job.job_id) + " for " +
                                   job.username + " dead-lettered: " + outcome.reason);
      Finish(job, store::PushJobState::kDead, outcome.reason);
      break;
  }
}

void PushWorker::Finish(const store::PushJob& job, store::PushJobState end,
                        const std::string& note) {
  if (end == store::PushJobState::kDelivered && note.rfind("skipped", 0) == 0) {
    stats_.skipped.fetch_add(1);
    metrics::Get().push_jobs.With({"skipped"}).Inc();
  }
  // false: more messages were folded in meanwhile; the job stays pending for them.
  auto finished = store_->FinishJob(job, end, note, clock_.NowMs());
  if (!finished.ok()) StoreFailed(finished.status());
}

void PushWorker::Retry(const store::PushJob& job, const std::string& reason) {
  const int attempts = job.attempts + 1;
  if (attempts >= options_.max_attempts) {
    const std::string why =
        "gave up after " + std::to_string(attempts) + " attempts; last: " + reason;
    stats_.dead.fetch_add(1);
    metrics::Get().push_jobs.With({"dead"}).Inc();
    log_(LogLevel::kWarning, "mqchat: push job " + std::to_string(job.job_id) + " for " +
                                 job.username + " dead-lettered: " + why);
    Finish(job, store::PushJobState::kDead, why);
    return;
  }
  stats_.retried.fetch_add(1);
  metrics::Get().push_jobs.With({"retried"}).Inc();
  const int64_t delay = BackoffDelayMs(options_.backoff, attempts, random_());
  Status s = store_->RetryJob(job.job_id, attempts, clock_.NowMs() + delay, reason);
  if (!s.ok()) StoreFailed(s);
}

void PushWorker::RemoveTokens(const store::PushJob& job, const std::vector<std::string>& tokens) {
  if (tokens.empty()) return;
  Status s = store_->RemoveTokens(job.username, tokens);
  if (!s.ok()) {
    StoreFailed(s);
    return;
  }
  stats_.tokens_removed.fetch_add(tokens.size());
  log_(LogLevel::kNotice, "mqchat: removed " + std::to_string(tokens.size()) +
                              " push token(s) of " + job.username +
                              " that the gateway called invalid");
}

void PushWorker::StoreFailed(const Status& status) {
  if (store_failing_) return;
  store_failing_ = true;
  log_(LogLevel::kWarning, "mqchat: push worker: store failed, retrying: " + status.ToString());
}

void PushWorker::StoreWorked() {
  if (!store_failing_) return;
  store_failing_ = false;
  log_(LogLevel::kNotice, "mqchat: push worker: store recovered");
}

void PushWorker::MaybePurge() {
  const int64_t mono = clock_.MonotonicMs();
  if (mono < next_purge_ms_) return;
  next_purge_ms_ = mono + kPurgeEveryMs;
  const int64_t now = clock_.NowMs();
  auto purged = store_->PurgeFinished(now - kKeepDeliveredMs, now - kKeepDeadMs);
  if (!purged.ok()) StoreFailed(purged.status());
}

}  // namespace mqchat::push
