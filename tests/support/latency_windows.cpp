#include "support/latency_windows.h"

namespace mqchat::test {

InterleavedWindows InterleaveWindows(
    int floods, const std::function<LatencyWindow(std::optional<int> flood)>& measure) {
  InterleavedWindows windows;
  windows.quiet.push_back(measure(std::nullopt));
  for (int i = 0; i < floods; ++i) {
    windows.flooded.push_back(measure(i));
    windows.quiet.push_back(measure(std::nullopt));
  }
  return windows;
}

}  // namespace mqchat::test
