// WaitFor: polls a condition until it holds or a deadline passes. Tests wait on events, never
// on fixed sleeps. Any thread.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include <gtest/gtest.h>

namespace mqchat::test {

// Returns true as soon as `pred` holds; false (with a gtest failure naming `what`) after `timeout`.
inline bool WaitFor(const std::function<bool()>& pred, std::chrono::milliseconds timeout,
                    const std::string& what) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto poll = std::chrono::milliseconds(1);
  while (true) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) {
      ADD_FAILURE() << "timed out after " << timeout.count() << " ms waiting for " << what;
      return false;
    }
    std::this_thread::sleep_for(poll);  // polling interval, not a wait for an event
    if (poll < std::chrono::milliseconds(50)) poll *= 2;
  }
}

}  // namespace mqchat::test
