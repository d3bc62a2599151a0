#include "password_pool.h"

#include <future>
#include <memory>

#include "auth/password_hash.h"

namespace mqchat::api {

PasswordPool::PasswordPool(int workers, int max_waiting, int iterations)
    : workers_(workers), max_waiting_(max_waiting), iterations_(iterations) {
  auto dummy = auth::HashPassword("mqchat-api dummy password", iterations_);
  dummy_hash_ = dummy.ok() ? *dummy : "";
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { WorkerLoop(); });
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

Status PasswordPool::Run(std::function<void()> job, const std::string& network) {
  auto task = std::make_shared<std::packaged_task<void()>>(std::move(job));
  std::future<void> done = task->get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    // Free workers take jobs at once; beyond them, at most max_waiting_ may wait.
    int waiting_after = waiting_count_ + 1 - (workers_ - running_);
    if (stopping_ || waiting_after > max_waiting_) {
      return Status::ResourceExhausted("too many password checks in progress");
    }
    auto& jobs = waiting_[network];
    if (jobs.empty()) turns_.push_back(network);
    jobs.emplace_back([task] { (*task)(); });
    ++waiting_count_;
  }
  cv_.notify_one();
  done.get();
  return Status::Ok();
}

void PasswordPool::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || waiting_count_ > 0; });
    if (waiting_count_ == 0) return;  // stopping, nothing left
    // The next network in turn gives its oldest job and, if it has more, goes to the back.
    const std::string network = std::move(turns_.front());
    turns_.pop_front();
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
    lock.unlock();
    job();
    lock.lock();
    --running_;
  }
}

Result<std::string> PasswordPool::Hash(std::string_view password, const std::string& network) {
  Result<std::string> result = Status::Internal("not run");
  std::string copy(password);
  Status run = Run([&] { result = auth::HashPassword(copy, iterations_); }, network);
  if (!run.ok()) return run;
  return result;
}

Result<bool> PasswordPool::Verify(std::string_view password, std::string_view encoded,
                                  const std::string& network) {
  const bool known = !encoded.empty();
  std::string hash(known ? encoded : std::string_view(dummy_hash_));
  std::string copy(password);
  Result<bool> result = Status::Internal("not run");
  Status run = Run([&] { result = auth::VerifyPassword(copy, hash); }, network);
  if (!run.ok()) return run;
  if (!known) return false;
  return result;
}

}  // namespace mqchat::api
