// ListenAddress: "host:port" as plugin_opt_metrics_listen takes it (config parsing and the
// metrics listener share it).
#pragma once

#include <string>

#include "mqchat/status.h"

namespace mqchat::metrics {

struct ListenAddress {
  std::string host;
  int port = 0;
};

// "host:port" or "[v6]:port"; port 0..65535 (0: any free port, for tests).
Result<ListenAddress> ParseListenAddress(const std::string& text);

}  // namespace mqchat::metrics
