// MetricsServer: an HTTP listener for operators (issue 19): the plugin's, off unless
// plugin_opt_metrics_listen names an address, and mqchat-api's (its `metrics_listen`). Serves,
// on threads of its own:
//   GET /metrics  the registry in Prometheus' text format
//   GET /healthz  liveness, GET /readyz readiness (the plugin's HealthProbe): 200 or 503, JSON
// Anything else is 404 with a JSON error. Nothing here touches the broker thread's state.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "metrics/listen_address.h"
#include "metrics/registry.h"
#include "mqchat/status.h"

namespace mqchat::metrics {

struct HealthReport {
  bool ok = false;
  nlohmann::json body;  // {"status":"ok"|"fail","checks":{name:"ok" or why}}
};

// What /healthz and /readyz answer (on the listener's threads); an empty function: that path
// is 404 (mqchat-api has its own /v1/health).
struct HealthEndpoints {
  std::function<HealthReport()> live;
  std::function<HealthReport()> ready;
};

class MetricsServer {
 public:
  // Binds `address` and starts serving; kUnavailable if it cannot bind. `registry`, and what
  // `health` reads, must outlive the server.
  static Result<std::unique_ptr<MetricsServer>> Start(const ListenAddress& address,
                                                      const Registry& registry,
                                                      HealthEndpoints health);
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
