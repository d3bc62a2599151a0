#include "password_pool.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <future>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>

namespace mqchat::api {
namespace {

using protocol::http::ApiErrorCode;

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Lowers the calling thread's CPU priority to `nice` (Linux keeps a nice value per thread);
// never raises it (a process started at a lower priority keeps it).
void LowerThisThreadsPriority(int nice) {
  if (nice <= 0) return;
  const auto tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (errno == 0 && current >= nice) return;
  if (setpriority(PRIO_PROCESS, tid, nice) != 0) {
    std::cerr << "mqchat-api: could not set the hash workers' nice value to " << nice << "\n";
  }
}

}  // namespace

ApiResponse PoolRefusalResponse(const PoolRefusal& refusal) {
  switch (refusal.kind) {
    case PoolRefusal::Kind::kNetworkRate:
      return RetryLaterResponse(ApiErrorCode::kRateLimited,
                                "too many password checks from this network; retry later",
                                refusal.retry_after_s);
    case PoolRefusal::Kind::kNetworkBusy:
      return RetryLaterResponse(ApiErrorCode::kOverloaded,
                                "too many password checks from this network at once; retry later",
                                refusal.retry_after_s);
    case PoolRefusal::Kind::kBusy:
      break;
  }
  return RetryLaterResponse(ApiErrorCode::kOverloaded, "the service is busy; retry later",
                            refusal.retry_after_s);
}

PasswordPool::PasswordPool(int workers, int max_waiting, int iterations)
    : PasswordPool(PasswordPoolOptions{workers, max_waiting, iterations, {0, 1, 0}, 0, {}}) {}

PasswordPool::PasswordPool(PasswordPoolOptions options)
    : options_([&] {
        if (!options.now_ms) options.now_ms = SteadyNowMs;
        return std::move(options);
      }()),
      budget_(options_.per_network) {
  auto dummy = auth::HashPassword("mqchat-api dummy password", options_.iterations);
  dummy_hash_ = dummy.ok() ? *dummy : "";
  for (int i = 0; i < options_.workers; ++i) {
    threads_.emplace_back([this] {
      LowerThisThreadsPriority(options_.worker_nice);
      WorkerLoop();
    });
  }
}

PasswordPool::~PasswordPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

int PasswordPool::InFlight() {
  std::lock_guard<std::mutex> lock(mu_);
  return running_ + waiting_count_;
}

Status PasswordPool::Run(std::function<void()> job, const std::string& network,
                         PoolRefusal* refused) {
  auto task = std::make_shared<std::packaged_task<void()>>(std::move(job));
  std::future<void> done = task->get_future();
  std::optional<PoolRefusal> refusal;
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Free workers take jobs at once; beyond them, at most max_waiting may wait.
    const int waiting_after = waiting_count_ + 1 - (options_.workers - running_);
    if (stopping_ || waiting_after > options_.max_waiting) {
      refusal = PoolRefusal{PoolRefusal::Kind::kBusy, 1};
    } else if (auto over = budget_.Take(network, options_.now_ms())) {
      refusal = PoolRefusal{over->over_rate ? PoolRefusal::Kind::kNetworkRate
                                            : PoolRefusal::Kind::kNetworkBusy,
                            static_cast<int>((over->retry_after_ms + 999) / 1000)};
    } else {
      auto& jobs = waiting_[network];
      if (jobs.empty()) turns_.push_back(network);
      jobs.emplace_back([task] { (*task)(); });
      ++waiting_count_;
    }
  }
  if (refusal) {
    if (refused != nullptr) *refused = *refusal;
    return Status::ResourceExhausted(refusal->kind == PoolRefusal::Kind::kBusy
                                         ? "too many password checks in progress"
                                         : "over this network's password check budget");
  }
  cv_.notify_one();
  done.get();
  return Status::Ok();
}

std::string PasswordPool::NextNetwork() {
  auto running = [this](const std::string& network) {
    auto it = running_by_network_.find(network);
    return it == running_by_network_.end() ? 0 : it->second;
  };
  // At most one entry per network with jobs waiting (bounded by max_waiting): a scan is cheap.
  auto best = turns_.begin();
  int best_running = running(*best);
  for (auto it = std::next(best); it != turns_.end() && best_running > 0; ++it) {
    const int r = running(*it);
    if (r < best_running) best = it, best_running = r;
  }
  std::string network = std::move(*best);
  turns_.erase(best);
  return network;
}

void PasswordPool::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || waiting_count_ > 0; });
    if (waiting_count_ == 0) return;  // stopping, nothing left
    // The chosen network gives its oldest job and, if it has more, goes to the back.
    const std::string network = NextNetwork();
    auto it = waiting_.find(network);
    auto job = std::move(it->second.front());
    it->second.pop_front();
    --waiting_count_;
    if (it->second.empty()) {
      waiting_.erase(it);
    } else {
      turns_.push_back(network);
    }
    ++running_;
    ++running_by_network_[network];
    lock.unlock();
    job();
    lock.lock();
    --running_;
    if (auto r = running_by_network_.find(network); --r->second == 0) running_by_network_.erase(r);
    budget_.Release(network);
  }
}

Result<std::string> PasswordPool::Hash(std::string_view password, const std::string& network,
                                       PoolRefusal* refused) {
  Result<std::string> result = Status::Internal("not run");
  std::string copy(password);
  Status run = Run([&] { result = auth::HashPassword(copy, options_.iterations); }, network,
                   refused);
  if (!run.ok()) return run;
  return result;
}

Result<bool> PasswordPool::Verify(std::string_view password, std::string_view encoded,
                                  const std::string& network, PoolRefusal* refused) {
  const bool known = !encoded.empty();
  std::string hash(known ? encoded : std::string_view(dummy_hash_));
  std::string copy(password);
  Result<bool> result = Status::Internal("not run");
  Status run = Run([&] { result = auth::VerifyPassword(copy, hash); }, network, refused);
  if (!run.ok()) return run;
  if (!known) return false;
  return result;
}

}  // namespace mqchat::api
