// BrokerProbe: the broker process's resident memory and CPU time, read from /proc/<pid> (the
// --broker-pid option), so scenarios can report figures for one phase. Any thread; every call
// reads the files anew.
#pragma once

#include <cstdint>
#include <optional>

#include "mqchat/status.h"

namespace mqchat::bench {

class BrokerProbe {
 public:
  // `pid` 0: no broker to read; every figure is nullopt.
  explicit BrokerProbe(int pid) : pid_(pid) {}

  // OK if there is no pid, or if its /proc files can be read.
  Status Check() const;
  bool enabled() const { return pid_ > 0; }
  // VmRSS in kB.
  std::optional<int64_t> RssKb() const;
  // utime + stime in seconds (clock-tick resolution, usually 10 ms).
  std::optional<double> CpuSeconds() const;

 private:
  int pid_;
};

}  // namespace mqchat::bench
