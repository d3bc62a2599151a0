// Report: turns a RunResult into figures (rates, latency percentiles, loss) and prints them as a
// table or as JSON; and Figures, the same for the idle, reconnect-storm and presence scenarios.
// Main thread.
#pragma once

#include <sys/resource.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

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

// `v` with `decimals` digits after the point.
std::string FormatFixed(double v, int decimals);

// Nearest-rank percentiles of `ns` (sorted in place).
LatencySummary Percentiles(std::vector<int64_t>& ns);

// The outcome of a scenario that is not message traffic: figures in output order, each with a
// JSON key and a table label.
class Figures {
 public:
  explicit Figures(const Options& options);

  // A parameter of the run, under "params" in JSON and on the table's "shape" line.
  void Param(const std::string& key, nlohmann::json value);
  // A figure. `text` is its table form; empty: the value itself (numbers rounded).
  void Add(const std::string& key, const std::string& label, nlohmann::json value,
           std::string text = "");
  // p50 / p99 / p99.9 / max / mean of `samples_ns` (sorted in place), in ms.
  void AddLatency(const std::string& key, const std::string& label,
                  std::vector<int64_t>& samples_ns);
  // This process's CPU time between two getrusage(RUSAGE_SELF) readings `wall_s` apart.
  void AddGeneratorCpu(const rusage& before, const rusage& after, double wall_s);
  // This process's CPU time since it started (set-up included), for bench/run.sh.
  void AddProcessCpu();
  void AddErrorSample(std::string sample);
  void SetSetupError(std::string error) { setup_error_ = std::move(error); }
  // ok is false whenever there is a setup error.
  void SetOk(bool ok) { ok_ = ok; }
  bool ok() const { return ok_ && setup_error_.empty(); }

  std::string FormatTable() const;
  std::string FormatJson() const;

 private:
  struct Row {
    std::string key, label, text;
    nlohmann::json value;
  };
  const Options& options_;
  nlohmann::ordered_json params_;
  std::vector<Row> rows_;
  std::vector<std::string> error_samples_;
  std::string setup_error_;
  bool ok_ = false;
};

// Sorts the samples in `result` in place.
Report Summarize(const Options& options, RunResult& result);
std::string FormatTable(const Options& options, const RunResult& result, const Report& report);
std::string FormatJson(const Options& options, const RunResult& result, const Report& report);

}  // namespace mqchat::bench
