// MetricsServer: the plugin's own HTTP listener for operators (issue 19), off unless
// plugin_opt_metrics_listen names an address. Serves, on threads of its own:
//   GET /metrics  the registry in Prometheus' text format
//   GET /healthz  liveness, GET /readyz readiness (HealthProbe): 200 or 503, JSON
// Anything else is 404 with a JSON error. Nothing here touches the broker thread's state.
#pragma once

#include <memory>
#include <string>
#include <thread>

#include "metrics/health.h"
#include "metrics/listen_address.h"
#include "metrics/registry.h"
#include "mqchat/status.h"

namespace mqchat::metrics {

class MetricsServer {
 public:
  // Binds `address` and starts serving; kUnavailable if it cannot bind. `registry` and `probe`
  // must outlive the server.
  static Result<std::unique_ptr<MetricsServer>> Start(const ListenAddress& address,
                                                      const Registry& registry, HealthProbe& probe);
  ~MetricsServer();  // stops and joins
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  int port() const { return port_; }

 private:
  struct Impl;
  explicit MetricsServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace mqchat::metrics
