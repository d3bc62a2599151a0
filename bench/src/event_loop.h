// EventLoop: one epoll set over many Connections, plus a wake eventfd (cross-thread nudges) and
// a timerfd (rate pacing). Owned and run by one thread; Wake() is the only thread-safe member.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "connection.h"
#include "mqchat/status.h"

namespace mqchat::bench {

class EventLoop {
 public:
  static Result<std::unique_ptr<EventLoop>> Create();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Registers a connection whose socket exists (after StartConnect). Not owned.
  Status Add(Connection* connection);
  // Forgets a connection (e.g. once it is closed, before it reconnects with a new socket).
  void Remove(Connection* connection);

  // Waits up to `timeout_ms` (0: poll) for readiness and handles it: reads (which runs the
  // callbacks), writes, the wake fd and the timer. Returns true if the timer expired.
  bool RunOnce(int timeout_ms);
  // Writes out what callbacks and publishes queued; asks for EPOLLOUT where the socket is full.
  // Call after RunOnce and after publishing outside callbacks. Also runs loop_misc once a second.
  void Flush();

  // Arms the timer at an absolute steady_clock time (ns); 0 disarms.
  void ArmTimer(int64_t steady_ns);
  // Thread-safe: makes a blocked RunOnce return.
  void Wake();

  const std::vector<Connection*>& connections() const { return connections_; }

 private:
  EventLoop() = default;
  void SetWriteInterest(Connection* c, bool on);

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  int timer_fd_ = -1;
  std::vector<Connection*> connections_;
  std::vector<uint8_t> write_interest_;  // by position in connections_
  std::vector<int> slot_;                // Connection::index() -> position (or -1)
  std::atomic<bool> wake_pending_{false};
  int64_t next_misc_ns_ = 0;
};

// steady_clock now in nanoseconds.
int64_t NowNs();

}  // namespace mqchat::bench
