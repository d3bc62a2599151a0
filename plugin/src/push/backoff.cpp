#include "push/backoff.h"

#include <algorithm>

namespace mqchat::push {

int64_t BackoffCeilingMs(const BackoffPolicy& policy, int attempt) {
  const int64_t base = std::max<int64_t>(policy.base_ms, 0);
  const int64_t cap = std::max<int64_t>(policy.cap_ms, 0);
  int64_t ceiling = std::min(base, cap);
  for (int i = 1; i < attempt && ceiling < cap; ++i) {
    // Doubling stops at the cap, so it cannot overflow.
    ceiling = ceiling > cap / 2 ? cap : ceiling * 2;
  }
  return ceiling;
}

int64_t BackoffDelayMs(const BackoffPolicy& policy, int attempt, uint64_t random) {
  const uint64_t ceiling = static_cast<uint64_t>(BackoffCeilingMs(policy, attempt));
  return static_cast<int64_t>(random % (ceiling + 1));
}

}  // namespace mqchat::push
