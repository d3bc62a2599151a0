#include "metrics/metrics_server.h"

#include <httplib.h>

namespace mqchat::metrics {

struct MetricsServer::Impl {
  httplib::Server server;
};

namespace {

void Json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), "application/json");
}

}  // namespace

Result<std::unique_ptr<MetricsServer>> MetricsServer::Start(const ListenAddress& address,
                                                            const Registry& registry,
                                                            HealthEndpoints health) {
  auto impl = std::make_unique<Impl>();
  auto& server = impl->server;
  server.new_task_queue = [] { return new httplib::ThreadPool(2); };  // scrapes and probes only
  server.set_keep_alive_max_count(100);
  server.set_read_timeout(5, 0);
  server.set_write_timeout(5, 0);
  server.set_payload_max_length(4096);  // probes and scrapes carry no body
  server.Get("/metrics", [&registry](const httplib::Request&, httplib::Response& res) {
    res.set_content(registry.Render(), "text/plain; version=0.0.4; charset=utf-8");
  });
  auto serve_check = [&server](const char* path, std::function<HealthReport()> check) {
    if (!check) return;
    server.Get(path, [check](const httplib::Request&, httplib::Response& res) {
      const HealthReport r = check();
      Json(res, r.ok ? 200 : 503, r.body);
    });
  };
  serve_check("/healthz", std::move(health.live));
  serve_check("/readyz", std::move(health.ready));
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (res.status == 404 || res.body.empty()) {
      Json(res, res.status,
           {{"error",
             {{"code", res.status == 404 ? "NOT_FOUND" : "INVALID"},
              {"message", res.status == 404 ? "no such path; try /metrics" : "bad request"}}}});
    }
  });
  int port = address.port;
  if (port == 0) {
    port = server.bind_to_any_port(address.host);
    if (port <= 0) port = -1;
  } else if (!server.bind_to_port(address.host, port)) {
    port = -1;
  }
  if (port < 0) {
    return Status::Unavailable("cannot listen on " + address.host + ":" +
                               std::to_string(address.port));
  }
  std::unique_ptr<MetricsServer> out(new MetricsServer(std::move(impl)));
  out->port_ = port;
  out->thread_ = std::thread([s = &out->impl_->server] { s->listen_after_bind(); });
  return out;
}

MetricsServer::MetricsServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

MetricsServer::~MetricsServer() {
  impl_->server.stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace mqchat::metrics
