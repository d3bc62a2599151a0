#include "event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace mqchat::bench {
namespace {

constexpr int kMaxEvents = 256;
constexpr int64_t kMiscIntervalNs = 1000000000;

Status Errno(const char* what) {
  return Status::Internal(std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Result<std::unique_ptr<EventLoop>> EventLoop::Create() {
  std::unique_ptr<EventLoop> loop(new EventLoop());
  loop->epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  if (loop->epoll_fd_ < 0) return Errno("epoll_create1");
  loop->wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (loop->wake_fd_ < 0) return Errno("eventfd");
  // steady_clock is CLOCK_MONOTONIC on Linux, so NowNs() values arm this timer directly.
  loop->timer_fd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (loop->timer_fd_ < 0) return Errno("timerfd_create");
  for (int* fd : {&loop->wake_fd_, &loop->timer_fd_}) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = fd;  // the fd members double as tags: never a Connection*
    if (epoll_ctl(loop->epoll_fd_, EPOLL_CTL_ADD, *fd, &ev) != 0) return Errno("epoll_ctl");
  }
  loop->next_misc_ns_ = NowNs() + kMiscIntervalNs;
  return loop;
}

EventLoop::~EventLoop() {
  for (int fd : {epoll_fd_, wake_fd_, timer_fd_}) {
    if (fd >= 0) ::close(fd);
  }
}

Status EventLoop::Add(Connection* c) {
  const int fd = c->fd();
  if (fd < 0) return Status::FailedPrecondition(c->client_id() + ": no socket");
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = c;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return Errno("epoll_ctl add");
  if (c->index() >= static_cast<int>(slot_.size())) slot_.resize(c->index() + 1, -1);
  slot_[c->index()] = static_cast<int>(connections_.size());
  connections_.push_back(c);
  write_interest_.push_back(0);
  return Status::Ok();
}

void EventLoop::Remove(Connection* c) {
  if (c->index() >= static_cast<int>(slot_.size()) || slot_[c->index()] < 0) return;
  // A closed socket has left the epoll set by itself; an open one is taken out here.
  if (c->fd() >= 0) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c->fd(), nullptr);
  const int pos = slot_[c->index()];
  Connection* last = connections_.back();
  connections_[pos] = last;
  write_interest_[pos] = write_interest_.back();
  slot_[last->index()] = pos;
  connections_.pop_back();
  write_interest_.pop_back();
  slot_[c->index()] = -1;
}

void EventLoop::SetWriteInterest(Connection* c, bool on) {
  uint8_t& cur = write_interest_[slot_[c->index()]];
  if (cur == static_cast<uint8_t>(on) || c->fd() < 0) return;
  epoll_event ev{};
  ev.events = on ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
  ev.data.ptr = c;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, c->fd(), &ev) == 0) cur = on;
}

bool EventLoop::RunOnce(int timeout_ms) {
  epoll_event events[kMaxEvents];
  int n = epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
  bool timer_fired = false;
  for (int i = 0; i < n; ++i) {
    void* tag = events[i].data.ptr;
    if (tag == &wake_fd_ || tag == &timer_fd_) {
      uint64_t count;
      ssize_t r = ::read(*static_cast<int*>(tag), &count, sizeof(count));
      (void)r;
      if (tag == &wake_fd_) {
        wake_pending_.store(false, std::memory_order_release);
      } else {
        timer_fired = true;
      }
      continue;
    }
    auto* c = static_cast<Connection*>(tag);
    // A socket closed by libmosquitto has already left the epoll set.
    if ((events[i].events & EPOLLOUT) != 0 && !c->HandleWritable()) continue;
    if ((events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) c->HandleReadable();
  }
  return timer_fired;
}

void EventLoop::Flush() {
  const int64_t now = NowNs();
  const bool misc = now >= next_misc_ns_;
  if (misc) next_misc_ns_ = now + kMiscIntervalNs;
  for (Connection* c : connections_) {
    if (!c->alive()) continue;
    if (misc) c->HandleMisc();
    if (c->WantWrite()) {
      c->HandleWritable();
      SetWriteInterest(c, c->WantWrite());
    } else if (write_interest_[slot_[c->index()]] != 0) {
      SetWriteInterest(c, false);
    }
  }
}

void EventLoop::ArmTimer(int64_t steady_ns) {
  itimerspec spec{};
  if (steady_ns > 0) {
    spec.it_value.tv_sec = steady_ns / 1000000000;
    spec.it_value.tv_nsec = steady_ns % 1000000000;
  }
  timerfd_settime(timer_fd_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

void EventLoop::Wake() {
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  uint64_t one = 1;
  ssize_t r = ::write(wake_fd_, &one, sizeof(one));
  (void)r;
}

}  // namespace mqchat::bench
