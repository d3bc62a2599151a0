// Mutex, MutexLock and CondVar: std::mutex, std::lock_guard and std::condition_variable with
// Clang thread-safety annotations (threads/thread_annotations.h), so members declared
// `GUARDED_BY(mu_)` are only touched with mu_ held, and the Clang build (scripts/check-threads.sh)
// fails otherwise. Same cost as the std types they wrap. Header-only, shared by plugin and SDK.
//
//   Mutex mu_;
//   bool stopping_ GUARDED_BY(mu_) = false;
//   ...
//   MutexLock lock(mu_);
//   while (!stopping_) cv_.Wait(mu_);  // a loop, not a predicate: lambdas are not analysed
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "threads/thread_annotations.h"

namespace mqchat {

class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds `mu` from construction to destruction. Unlock()/Lock() let a worker loop drop the lock
// around work and take it back; the destructor releases it only if held.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex& mu) ACQUIRE(mu) : mu_(mu) { mu_.Lock(); }
  ~MutexLock() RELEASE() {
    if (held_) mu_.Unlock();
  }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

  void Unlock() RELEASE() {
    held_ = false;
    mu_.Unlock();
  }
  void Lock() ACQUIRE() {
    mu_.Lock();
    held_ = true;
  }

 private:
  Mutex& mu_;
  bool held_ = true;
};

// A condition variable waited on with a Mutex held. Wake-ups may be spurious: wait in a loop
// that re-checks the guarded state.
class CondVar {
 public:
  void Wait(Mutex& mu) REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu.mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // still held: the caller's MutexLock owns it
  }
  // False once `deadline` has passed (a timeout), true on a wake-up before it.
  template <typename Clock, typename Duration>
  bool WaitUntil(Mutex& mu, const std::chrono::time_point<Clock, Duration>& deadline)
      REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu.mu_, std::adopt_lock);
    const bool woken = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return woken;
  }
  void NotifyOne() { cv_.notify_one(); }
  void NotifyAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace mqchat
