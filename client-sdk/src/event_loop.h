// EventLoop: the SDK engine thread. Runs posted tasks in order and timers when due; every piece
// of connection and sync state lives on it, so that state needs no locks. Post/PostAfter/Cancel
// are thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <thread>

#include "threads/mutex.h"

namespace mqchat::sdk {

class EventLoop {
 public:
  using Task = std::function<void()>;
  using TimerId = uint64_t;
  using Clock = std::chrono::steady_clock;

  EventLoop();
  ~EventLoop();  // Stop()
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Queues `task`; false (and `task` is dropped) once Stop() has begun.
  bool Post(Task task);
  // Runs `task` after `delay` unless cancelled first. Returns 0 once stopped.
  TimerId PostAfter(std::chrono::milliseconds delay, Task task);
  void Cancel(TimerId id);
  // Runs the tasks already queued, drops pending timers, joins the thread. Idempotent; must not
  // be called on the loop thread.
  void Stop();
  bool OnLoopThread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void Run();

  Mutex mu_;
  CondVar cv_;
  std::deque<Task> tasks_ GUARDED_BY(mu_);
  std::multimap<Clock::time_point, TimerId> due_ GUARDED_BY(mu_);
  std::map<TimerId, std::pair<Clock::time_point, Task>> timers_ GUARDED_BY(mu_);
  TimerId next_timer_ GUARDED_BY(mu_) = 1;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace mqchat::sdk
