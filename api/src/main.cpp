// mqchat-api: the stateless HTTP service (sign-up, login, discovery) beside the brokers, on the
// same store. Parses its options, builds the ApiService, serves until SIGINT/SIGTERM.
#include <signal.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "api_metrics.h"
#include "api_service.h"
#include "config.h"
#include "http_server.h"
#include "metrics/metrics_server.h"

namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  *out = text.str();
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  // SIGINT/SIGTERM are taken by a watcher thread (sigwait), which stops the server. Blocked
  // first, so every thread started later (hash workers, HTTP threads) inherits the mask.
  // A shell starts background jobs with SIGINT ignored (scripts/run.sh does): restore it first.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << mqchat::api::ApiUsage();
    return 0;
  }
  auto config = mqchat::api::ParseApiArgs(args);
  if (!config.ok()) {
    std::cerr << "mqchat-api: " << config.status().message() << "\n" << mqchat::api::ApiUsage();
    return 2;
  }
  std::string key;
  if (!ReadFile(config->jwt_private_key_file, &key)) {
    std::cerr << "mqchat-api: cannot read " << config->jwt_private_key_file << "\n";
    return 2;
  }
  auto service = mqchat::api::ApiService::Create(*config, std::move(key));
  if (!service.ok()) {
    std::cerr << "mqchat-api: " << service.status().message() << "\n";
    return 2;
  }

  mqchat::api::HttpServer server(*config, service->get());
  if (!server.Ready()) {
    std::cerr << "mqchat-api: cannot load the TLS certificate " << config->tls_cert_file
              << " with the key " << config->tls_key_file << "\n";
    return 2;
  }
  if (!server.WebDirReady()) {
    std::cerr << "mqchat-api: web_dir " << config->web_dir << " is not a readable directory\n";
    return 2;
  }
  int port = server.Bind();
  if (port <= 0) {
    std::cerr << "mqchat-api: cannot listen on " << config->listen_host << ":" << config->port
              << "\n";
    return 1;
  }
  std::cout << "mqchat-api: listening on " << (server.tls() ? "https" : "http") << "://"
            << config->listen_host << ":" << port
            << std::endl;
  std::unique_ptr<mqchat::metrics::MetricsServer> metrics;  // stopped after the API server
  if (!config->metrics_listen.empty()) {
    auto address = mqchat::metrics::ParseListenAddress(config->metrics_listen);  // parsed before
    mqchat::api::ApiMetrics();  // every metric registered before the first scrape
    auto started = mqchat::metrics::MetricsServer::Start(*address, mqchat::api::ApiRegistry(), {});
    if (!started.ok()) {
      std::cerr << "mqchat-api: metrics_listen: " << started.status().message() << "\n";
      return 1;
    }
    metrics = std::move(*started);
    std::cout << "mqchat-api: metrics on http://" << address->host << ":" << metrics->port()
              << "/metrics" << std::endl;
  }
  std::thread watcher([&server, signals] {
    int sig = 0;
    sigwait(&signals, &sig);
    server.Stop();
  });
  bool ok = server.Serve();
  if (watcher.joinable()) {
    // Serve returned without a signal (failure): wake the watcher so it can exit.
    if (!ok) kill(getpid(), SIGTERM);
    watcher.join();
  }
  std::cout << "mqchat-api: stopped" << std::endl;
  return ok ? 0 : 1;
}
