#include "broker_probe.h"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace mqchat::bench {

Status BrokerProbe::Check() const {
  if (!enabled()) return Status::Ok();
  if (!RssKb() || !CpuSeconds()) {
    return Status::NotFound("--broker-pid " + std::to_string(pid_) +
                            ": cannot read /proc/<pid>/status and /proc/<pid>/stat");
  }
  return Status::Ok();
}

std::optional<int64_t> BrokerProbe::RssKb() const {
  if (!enabled()) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string key;
  while (in >> key) {
    if (key == "VmRSS:") {
      int64_t kb = 0;
      if (in >> kb) return kb;
      return std::nullopt;
    }
    in.ignore(1 << 20, '\n');
  }
  return std::nullopt;
}

std::optional<double> BrokerProbe::CpuSeconds() const {
  if (!enabled()) return std::nullopt;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // "pid (comm) state ..." : comm may hold spaces, so count fields after the last ')'.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  int64_t utime = 0, stime = 0;
  // After comm: state is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stoll(field);
    if (i == 15) stime = std::stoll(field);
  }
  if (!fields) return std::nullopt;
  return static_cast<double>(utime + stime) / sysconf(_SC_CLK_TCK);
}

}  // namespace mqchat::bench
