// Report: turns a RunResult into figures (rates, latency percentiles, loss) and prints them as a
// table or as JSON. Main thread.
#pragma once

#include <string>

#include "driver.h"
#include "options.h"

namespace mqchat::bench {

struct LatencySummary {
  int64_t count = 0;
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0, mean_ms = 0;
};

struct Report {
  std::string scenario;
  int64_t sent = 0, acked = 0, delivered = 0, expected_deliveries = 0;
  int64_t lost_acks = 0, lost_deliveries = 0, lost = 0;
  int64_t duplicated = 0, unexpected = 0, errors = 0, retryable_errors = 0, resent = 0;
  double sent_per_s = 0, acked_per_s = 0, delivered_per_s = 0;
  LatencySummary ack, delivery;
  double cpu_percent = 0;  // this process over the run phase (100 = one core)
  bool ok = false;         // every connection connected, nothing lost, duplicated or failed
};

// Sorts the samples in `result` in place.
Report Summarize(const Options& options, RunResult& result);
std::string FormatTable(const Options& options, const RunResult& result, const Report& report);
std::string FormatJson(const Options& options, const RunResult& result, const Report& report);

}  // namespace mqchat::bench
