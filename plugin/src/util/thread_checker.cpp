#include "util/thread_checker.h"

#include <cstdio>
#include <cstdlib>

namespace mqchat {

void ThreadChecker::Fail(const char* what) {
  std::fprintf(stderr, "mqchat: %s called off its owner thread (broker thread only)\n", what);
  std::fflush(stderr);
  std::abort();
}

}  // namespace mqchat
