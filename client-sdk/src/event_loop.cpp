#include "event_loop.h"

namespace mqchat::sdk {

EventLoop::EventLoop() : thread_([this] { Run(); }) {}

EventLoop::~EventLoop() { Stop(); }

bool EventLoop::Post(Task task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return false;
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

EventLoop::TimerId EventLoop::PostAfter(std::chrono::milliseconds delay, Task task) {
  TimerId id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return 0;
    id = next_timer_++;
    const auto when = Clock::now() + delay;
    timers_.emplace(id, std::make_pair(when, std::move(task)));
    due_.emplace(when, id);
  }
  cv_.notify_one();
  return id;
}

void EventLoop::Cancel(TimerId id) {
  if (id == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = timers_.find(id);
  if (it == timers_.end()) return;
  auto range = due_.equal_range(it->second.first);
  for (auto d = range.first; d != range.second; ++d) {
    if (d->second == id) {
      due_.erase(d);
      break;
    }
  }
  timers_.erase(it);
}

void EventLoop::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void EventLoop::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (!tasks_.empty()) {
      Task task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
      task = nullptr;  // destroy captures outside the lock
      lock.lock();
      continue;
    }
    if (stopping_) break;
    if (!due_.empty() && due_.begin()->first <= Clock::now()) {
      const TimerId id = due_.begin()->second;
      due_.erase(due_.begin());
      auto it = timers_.find(id);
      Task task = std::move(it->second.second);
      timers_.erase(it);
      lock.unlock();
      task();
      task = nullptr;
      lock.lock();
      continue;
    }
    if (due_.empty()) {
      cv_.wait(lock);
    } else {
      cv_.wait_until(lock, due_.begin()->first);
    }
  }
  // Dropped timers may own promises; destroy them outside the lock.
  auto timers = std::move(timers_);
  due_.clear();
  lock.unlock();
}

}  // namespace mqchat::sdk
