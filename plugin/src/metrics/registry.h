// Metrics in Prometheus' text exposition format (issue 19): counters, gauges, histograms and
// counter families with a few low-cardinality labels, registered once and rendered on demand.
// Instruments are lock-free to update from any thread (the broker thread, the store writer,
// readers, the push worker); a family takes a mutex only to find the child of a label set.
// Rendering (the metrics listener's thread) reads the atomics without stopping anyone.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mqchat::metrics {

class Counter {
 public:
  void Inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Fixed upper bounds (ascending); Observe counts a value in the first bucket that holds it.
// The sum is kept in millionths so it stays an atomic integer.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then the total count last (the +Inf bucket).
  std::vector<uint64_t> Cumulative() const;
  double sum() const { return sum_micros_.load(std::memory_order_relaxed) / 1e6; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // one per bound, then +Inf
  std::atomic<int64_t> sum_micros_{0};
};

// Counters of one name told apart by label values; `With` returns a counter that lives as long
// as the family. Label values must come from small fixed sets (op names, outcomes): never a
// user, device or conversation.
class CounterFamily {
 public:
  explicit CounterFamily(std::vector<std::string> labels) : labels_(std::move(labels)) {}
  Counter& With(const std::vector<std::string>& values);
  const std::vector<std::string>& labels() const { return labels_; }
  // Every child, by label values (sorted), for rendering.
  std::vector<std::pair<std::vector<std::string>, uint64_t>> Snapshot() const;

 private:
  std::vector<std::string> labels_;
  mutable std::mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Counter>> children_;
};

class Registry {
 public:
  Registry();
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Counter& AddCounter(const std::string& name, const std::string& help);
  Gauge& AddGauge(const std::string& name, const std::string& help);
  Histogram& AddHistogram(const std::string& name, const std::string& help,
                          std::vector<double> bounds);
  CounterFamily& AddCounterFamily(const std::string& name, const std::string& help,
                                  std::vector<std::string> labels);
  // A gauge read when rendered (a queue depth, say). Replaces an earlier one of the same name,
  // so a plugin restarted in one process registers again; ClearSampled drops them all (the
  // owner of what they read is going away).
  void SetSampledGauge(const std::string& name, const std::string& help,
                       std::function<double()> read);
  void ClearSampled();

  // Every metric in registration order, in the text format (version 0.0.4).
  std::string Render() const;

 private:
  struct Entry;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace mqchat::metrics
