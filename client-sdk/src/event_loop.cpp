#include "event_loop.h"

namespace mqchat::sdk {

EventLoop::EventLoop() : thread_([this] { Run(); }) {}

EventLoop::~EventLoop() { Stop(); }

bool EventLoop::Post(Task task) {
  {
    MutexLock lock(mu_);
    if (stopping_) return false;
    tasks_.push_back(std::move(task));
  }
  cv_.NotifyOne();
  return true;
}

EventLoop::TimerId EventLoop::PostAfter(std::chrono::milliseconds delay, Task task) {
  TimerId id;
  {
    MutexLock lock(mu_);
    if (stopping_) return 0;
    id = next_timer_++;
    const auto when = Clock::now() + delay;
    timers_.emplace(id, std::make_pair(when, std::move(task)));
    due_.emplace(when, id);
  }
  cv_.NotifyOne();
  return id;
}

void EventLoop::Cancel(TimerId id) {
  if (id == 0) return;
  MutexLock lock(mu_);
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
    MutexLock lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.NotifyOne();
  if (thread_.joinable()) thread_.join();
}

void EventLoop::Run() {
  MutexLock lock(mu_);
  while (true) {
    if (!tasks_.empty()) {
      Task task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.Unlock();
      task();
      task = nullptr;  // destroy captures outside the lock
      lock.Lock();
      continue;
    }
    if (stopping_) break;
    if (!due_.empty() && due_.begin()->first <= Clock::now()) {
      const TimerId id = due_.begin()->second;
      due_.erase(due_.begin());
      auto it = timers_.find(id);
      Task task = std::move(it->second.second);
      timers_.erase(it);
      lock.Unlock();
      task();
      task = nullptr;
      lock.Lock();
      continue;
    }
    if (due_.empty()) {
      cv_.Wait(mu_);
    } else {
      cv_.WaitUntil(mu_, due_.begin()->first);
    }
  }
  // Dropped timers may own promises; destroy them outside the lock.
  auto timers = std::move(timers_);
  due_.clear();
  lock.Unlock();
}

}  // namespace mqchat::sdk
