#include "util/broker_task_queue.h"

namespace mqchat {

void BrokerTaskQueue::Post(Task task) {
  {
    MutexLock lock(mu_);
    tasks_.push_back(std::move(task));
    pending_.fetch_add(1, std::memory_order_release);
  }
  if (waker_) waker_();
}

size_t BrokerTaskQueue::RunPending() {
  if (Empty()) return 0;
  std::vector<Task> local;
  {
    MutexLock lock(mu_);
    local.swap(tasks_);
    pending_.store(0, std::memory_order_release);
  }
  for (auto& task : local) task();
  return local.size();
}

}  // namespace mqchat
