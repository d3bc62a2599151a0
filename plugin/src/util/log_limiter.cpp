#include "util/log_limiter.h"

#include <string>

namespace mqchat {
namespace {

const std::string kKey = "log";

}  // namespace

LogLimiter::LogLimiter(int lines_per_s) : lines_per_s_(lines_per_s), window_(1000, 1) {}

bool LogLimiter::Allow(int64_t now_ms, uint64_t* dropped) {
  if (window_.AtLimit(kKey, lines_per_s_, now_ms)) {
    ++dropped_;
    return false;
  }
  window_.Add(kKey, now_ms);
  *dropped = dropped_;
  dropped_ = 0;
  return true;
}

}  // namespace mqchat
