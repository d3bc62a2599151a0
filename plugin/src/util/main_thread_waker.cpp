#include "util/main_thread_waker.h"

#include <signal.h>

#include <chrono>
#include <mutex>  // std::call_once

namespace mqchat {
namespace {

// A real-time signal mosquitto does not use. Its handler does nothing: the interruption of
// epoll_wait is the whole point. SA_RESTART keeps other system calls of the thread restarting.
int WakeSignal() { return SIGRTMIN + 3; }

void NoopHandler(int) {}

void InstallHandlerOnce() {
  static std::once_flag once;  // process-wide by nature: a signal disposition is per process
  std::call_once(once, [] {
    struct sigaction sa {};
    sa.sa_handler = NoopHandler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(WakeSignal(), &sa, nullptr);
  });
}

}  // namespace

MainThreadWaker::MainThreadWaker(std::function<bool()> pending)
    : main_thread_(pthread_self()), pending_(std::move(pending)) {
  InstallHandlerOnce();
  thread_ = std::thread([this] { Run(); });
}

MainThreadWaker::~MainThreadWaker() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

void MainThreadWaker::Wake() {
  pthread_kill(main_thread_, WakeSignal());
  {
    MutexLock lock(mu_);
    requested_ = true;
  }
  cv_.NotifyOne();
}

void MainThreadWaker::Run() {
  MutexLock lock(mu_);
  while (true) {
    while (!stopping_ && !requested_) cv_.Wait(mu_);
    if (stopping_) return;
    requested_ = false;
    lock.Unlock();
    // Re-send while the work is still there: covers a signal lost just before epoll_wait.
    // Bounded by the broker's own 100 ms idle tick, so give up after that.
    for (int i = 0; i < 100 && pending_(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (pending_()) pthread_kill(main_thread_, WakeSignal());
    }
    lock.Lock();
  }
}

}  // namespace mqchat
