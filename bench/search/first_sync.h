// mqchat-search-bench --first-sync R: what an app that searches at once after Connect sees
// (docs/BENCHMARKS.md, "The outlier, explained"). R passes of two clients, each new on a new
// cache file (so its first sync stores all of the user's conversations): the first connects
// and waits for kOnline (the first sync stored: its time from Connect's return); the second
// connects and at once searches across all conversations one after the other until kOnline:
// the slowest of those searches (steady_clock, on the client). One JSON line per client, then
// one summary line.
#pragma once

#include <string>

#include "mqchat/client_options.h"

namespace mqchat::bench {

// `options` without a cache path (each pass sets its own in a temporary folder). False if a
// pass failed.
bool RunFirstSyncPasses(const ClientOptions& options, const std::string& query, int passes);

}  // namespace mqchat::bench
