// BrokerTaskQueue: the one way other threads hand work to the broker thread. Post() from any
// thread; RunPending() on the broker thread (from TICK). An atomic count keeps the empty check
// free of locks, since TICK runs up to once per broker loop iteration.
#pragma once

#include <atomic>
#include <functional>
#include <vector>

#include "threads/mutex.h"

namespace mqchat {

class BrokerTaskQueue {
 public:
  using Task = std::function<void()>;

  // Thread-safe. Calls the waker (if set) so the broker loop runs soon.
  void Post(Task task);
  // Broker thread only. Runs every task posted before the call; returns how many ran.
  size_t RunPending();
  // Set once before other threads start. Called after each Post, from the posting thread.
  void SetWaker(std::function<void()> waker) { waker_ = std::move(waker); }
  bool Empty() const { return pending_.load(std::memory_order_acquire) == 0; }

 private:
  Mutex mu_;
  std::vector<Task> tasks_ GUARDED_BY(mu_);
  std::atomic<size_t> pending_{0};
  std::function<void()> waker_;
};

}  // namespace mqchat
