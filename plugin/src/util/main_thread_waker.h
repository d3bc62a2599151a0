// MainThreadWaker: makes the broker's loop run soon after another thread posts work for it.
// Mosquitto 2.0.11 has no wakeup API and TICK fires once per loop iteration, which idles in a
// 100 ms epoll_wait. A no-op signal sent to the broker thread interrupts that wait (EINTR), so
// TICK runs within microseconds. A signal that lands just before epoll_wait is lost, so a small
// thread re-sends while the work stays undrained. Create on the broker thread (it records
// pthread_self); Wake() from any thread.
#pragma once

#include <pthread.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

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
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;  // guarded by mu_
  bool stopping_ = false;   // guarded by mu_
  std::thread thread_;
};

}  // namespace mqchat
