#include "util/thread_priority.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace mqchat {
namespace {

id_t ThisThreadId() { return static_cast<id_t>(::syscall(SYS_gettid)); }

}  // namespace

Status SetThisThreadNice(int nice) {
  if (::setpriority(PRIO_PROCESS, ThisThreadId(), nice) != 0) {
    return Status::Internal("setpriority(" + std::to_string(nice) + "): " + std::strerror(errno));
  }
  return Status::Ok();
}

int ThisThreadNice() {
  errno = 0;
  return ::getpriority(PRIO_PROCESS, ThisThreadId());
}

}  // namespace mqchat
