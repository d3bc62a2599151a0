#include "fd_budget.h"

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <string>

namespace mqchat::bench {
namespace {

constexpr int64_t kReserve = 64;  // epoll, eventfd, timerfd, stdio, /proc reads
std::atomic<bool> skip_socket_pairs{false};

std::string Limit(rlim_t v) { return v == RLIM_INFINITY ? "unlimited" : std::to_string(v); }

}  // namespace

void SkipSocketPairs(bool skip) { skip_socket_pairs.store(skip); }

int DescriptorsPerConnection() { return skip_socket_pairs.load() ? 1 : 3; }

Status EnsureDescriptors(int64_t connections) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return Status::Internal("getrlimit(RLIMIT_NOFILE)");
  if (lim.rlim_cur != lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim) != 0) getrlimit(RLIMIT_NOFILE, &lim);
  }
  const int64_t needed = connections * DescriptorsPerConnection() + kReserve;
  if (lim.rlim_cur != RLIM_INFINITY && needed > static_cast<int64_t>(lim.rlim_cur)) {
    return Status::ResourceExhausted(
        std::to_string(connections) + " connections need about " + std::to_string(needed) +
        " file descriptors, but RLIMIT_NOFILE allows " + Limit(lim.rlim_cur) + " (hard limit " +
        Limit(lim.rlim_max) + "); raise the hard limit (ulimit -Hn, LimitNOFILE=) or use fewer");
  }
  return Status::Ok();
}

}  // namespace mqchat::bench

// Interposes libc's socketpair for the whole process (the executable's definition comes first
// in symbol lookup, so libmosquitto's calls land here). Outside SkipSocketPairs(true) it is the
// plain system call, which is all glibc's wrapper does on Linux.
extern "C" __attribute__((visibility("default"))) int socketpair(int domain, int type, int protocol,
                                                                 int fds[2]) noexcept {
  if (mqchat::bench::skip_socket_pairs.load(std::memory_order_relaxed) && domain == AF_UNIX) {
    errno = EMFILE;
    return -1;
  }
  return static_cast<int>(syscall(SYS_socketpair, domain, type, protocol, fds));
}
