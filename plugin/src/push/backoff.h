// Retry delays for push deliveries: exponential backoff with full jitter. The delay before
// retry n (n = failed attempts so far, from 1) is uniform in [0, min(cap, base * 2^(n-1))], so
// failing jobs spread out instead of retrying in lockstep against a recovering gateway. Pure
// functions; any thread.
#pragma once

#include <cstdint>

namespace mqchat::push {

struct BackoffPolicy {
  int64_t base_ms = 1000;
  int64_t cap_ms = 300000;
};

// min(cap, base * 2^(attempt-1)) for attempt >= 1 (attempt < 1 counts as 1); never overflows.
int64_t BackoffCeilingMs(const BackoffPolicy& policy, int attempt);

// The delay before the next try after `attempt` failed attempts: `random` (any 64-bit value,
// uniformly distributed) mapped onto [0, BackoffCeilingMs(policy, attempt)].
int64_t BackoffDelayMs(const BackoffPolicy& policy, int attempt, uint64_t random);

}  // namespace mqchat::push
