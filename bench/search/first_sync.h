// mqchat-search-bench --first-sync R: what an app that searches at once after Connect sees
// (docs/BENCHMARKS.md, "The outlier, explained"). R passes, each with a new client on a new
// cache file (so its first sync stores all of the user's conversations): Connect, then at once
// a search across all conversations; timed from Connect's return (steady_clock, on the client)
// to the search's answer and to the state kOnline (the first sync stored). One JSON line per
// pass, then one summary line.
#pragma once

#include <string>

#include "mqchat/client_options.h"

namespace mqchat::bench {

// `options` without a cache path (each pass sets its own in a temporary folder). False if a
// pass failed.
bool RunFirstSyncPasses(const ClientOptions& options, const std::string& query, int passes);

}  // namespace mqchat::bench
