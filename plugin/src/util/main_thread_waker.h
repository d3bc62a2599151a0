// MainThreadWaker: makes the broker's loop run soon after another thread posts work for it.
// Mosquitto 2.0.11 has no wakeup API and TICK fires once per loop iteration, which idles in a
// 100 ms epoll_wait. A no-op signal sent to the broker thread interrupts that wait (EINTR), so
// TICK runs within microseconds. A signal that lands just before epoll_wait is lost, so a small
// thread re-sends while the work stays undrained. Create on the broker thread (it records
// pthread_self); Wake() from any thread.
#pragma once

#include <pthread.h>

#include <atomic>
#include <functional>
#include <thread>

#include "threads/mutex.h"

namespace mqchat {

class MainThreadWaker {
 public:
  // `pending` tells whether the posted work is still undrained (checked lock-free).
  explicit MainThreadWaker(std::function<bool()> pending);
  ~MainThreadWaker();
  MainThreadWaker(const MainThreadWaker&) = delete;
  MainThreadWaker& operator=(const MainThreadWaker&) = delete;

  void Wake();  // thread-safe, cheap

 private:
  void Run();

  const pthread_t main_thread_;
  std::function<bool()> pending_;
  Mutex mu_;
  CondVar cv_;
  bool requested_ GUARDED_BY(mu_) = false;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace mqchat
