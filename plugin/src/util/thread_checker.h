// ThreadChecker: remembers the thread that created it and, in builds with thread checks on,
// aborts with a message when a checked call comes from another thread. Checks are on in debug
// builds (no NDEBUG) and wherever MQCHAT_CHECK_THREADS is defined (the CMake option of that
// name turns it on for the plugin module); elsewhere Check compiles to nothing. The broker
// API has one, created at plugin init on the broker thread, so "broker thread only" is
// checked rather than only written down.
#pragma once

#include <thread>

#if !defined(NDEBUG) || defined(MQCHAT_CHECK_THREADS)
#define MQCHAT_THREAD_CHECKS 1
#else
#define MQCHAT_THREAD_CHECKS 0
#endif

namespace mqchat {

class ThreadChecker {
 public:
  ThreadChecker() : owner_(std::this_thread::get_id()) {}

  bool OnOwnerThread() const { return std::this_thread::get_id() == owner_; }

  // With thread checks on: aborts, naming `what`, unless called on the creating thread.
  void Check(const char* what) const {
#if MQCHAT_THREAD_CHECKS
    if (!OnOwnerThread()) Fail(what);
#else
    (void)what;
#endif
  }

  // Prints "mqchat: <what> called off its owner thread" to stderr and aborts.
  [[noreturn]] static void Fail(const char* what);

 private:
  const std::thread::id owner_;
};

}  // namespace mqchat
