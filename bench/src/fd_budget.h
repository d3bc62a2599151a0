// The generator's file descriptor budget: raising RLIMIT_NOFILE, checking that a run fits, and
// keeping libmosquitto from opening its internal socket pair per client (three descriptors per
// connection become one). Main thread, before the first connection is created.
#pragma once

#include <cstdint>

#include "mqchat/status.h"

namespace mqchat::bench {

// Makes libmosquitto's socketpair() calls fail, so every client holds only its socket. Safe
// because the generator never calls mosquitto_loop(), the only reader of that pair (it wakes a
// select() in libmosquitto's own loop); libmosquitto carries on without one.
void SkipSocketPairs(bool skip);

// Descriptors one connection needs: 1 with SkipSocketPairs(true), else 3.
int DescriptorsPerConnection();

// Raises the soft RLIMIT_NOFILE to the hard limit, then fails with kResourceExhausted, naming
// the limits, if `connections` connections (plus a reserve) do not fit.
Status EnsureDescriptors(int64_t connections);

}  // namespace mqchat::bench
