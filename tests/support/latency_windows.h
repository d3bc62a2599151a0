// Interleaved quiet and flood windows for the hostile-client tests (issue 29): the chatting
// clients' send -> ack latency is measured in short windows, a quiet one before and after each
// flood window, so a drift in the load of a shared machine falls on both alike; the bound is on
// the median over the windows of each window's p99 (the flood is in every flood window, so its
// cost shows in their median, while another process's stall, which on 2 shared cores lands in
// one window now and then, moves the median by one window at most).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

namespace mqchat::test {

// The quiet value a flood's is compared with is at least this: on loopback a p99 below ~2 ms is
// the kernel's scheduling granularity (a thread woken a tick late), not the chat's latency, and
// twice it would fail on noise alone. Measured quiet p99s here are 4-80 ms, so it rarely applies.
constexpr double kQuietP99FloorMs = 2;

// The p-th percentile (0..1) of `v`, nearest rank; 0 for none.
inline double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

// One window's send -> ack latencies (ms).
struct LatencyWindow {
  std::vector<double> sends;
  double p99() const { return Percentile(sends, 0.99); }
};

// The median over `windows` of each window's p99.
inline double MedianWindowP99(const std::vector<LatencyWindow>& windows) {
  std::vector<double> p99s;
  for (const auto& w : windows) p99s.push_back(w.p99());
  return Percentile(p99s, 0.5);
}

// The median over `windows` of their number of sends: whether the clients kept their pace, judged
// as the latency is (a stall of the machine in one window moves it by one window at most).
inline double MedianWindowSends(const std::vector<LatencyWindow>& windows) {
  std::vector<double> counts;
  for (const auto& w : windows) counts.push_back(static_cast<double>(w.sends.size()));
  return Percentile(counts, 0.5);
}

// Every sample of `windows` together.
inline std::vector<double> AllSends(const std::vector<LatencyWindow>& windows) {
  std::vector<double> all;
  for (const auto& w : windows) all.insert(all.end(), w.sends.begin(), w.sends.end());
  return all;
}

// The windows of one interleaved run: `quiet` has one more than `flooded`.
struct InterleavedWindows {
  std::vector<LatencyWindow> quiet;
  std::vector<LatencyWindow> flooded;
};

// A quiet window, then `floods` times a flood window and a quiet one, one after the other:
// `measure(i)` runs flood window i (0 .. floods - 1), `measure(std::nullopt)` a quiet one.
InterleavedWindows InterleaveWindows(
    int floods, const std::function<LatencyWindow(std::optional<int> flood)>& measure);

}  // namespace mqchat::test
