// RequestGate: the HTTP server's front gate against floods (issue 29), checked before a
// request's body is read, before any JSON, store, throttle or password hash (http_server.cpp's
// pre-routing handler), so a refused request costs little more than its TCP connection and
// headers:
// - a request rate per client address and per /24 (IPv4) or /56 (IPv6) network
//   (auth/network_prefix.h), token buckets of `rate` per second holding up to `burst`; refused
//   requests are counted too (a bucket may go as far as one burst into debt), so a client that
//   retries without waiting for Retry-After stays refused until it slows down, while one that
//   waits gets in;
// - a bound on the connections in flight (accepted and not yet closed, waiting for an HTTP thread
//   or being served) and on those from one address, so a flood cannot queue without end nor one
//   source hold every HTTP thread with idle keep-alive connections.
// What it cannot spare the process (accepting the TCP connection, TLS, reading the headers) is for
// a firewall or load balancer in front (docs/OPERATIONS.md "Floods"). All limits are per process.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

#include "request_gate_config.h"
#include "threads/mutex.h"

namespace mqchat::api {

class RequestGate {
 public:
  // `now_ms`: a monotonic clock in milliseconds (null: steady_clock).
  explicit RequestGate(const RequestGateConfig& config, std::function<int64_t()> now_ms = {});

  // A connection accepted: counts it; false if that puts it over max_connections (it is then
  // refused). Every call is paired with one CloseConnection.
  bool OpenConnection();
  void CloseConnection();
  // A connection's client address, known at its first request: counts it; false if the address
  // is over max_connections_per_address. A true call is paired with one ReleaseAddress.
  bool BindAddress(const std::string& address);
  void ReleaseAddress(const std::string& address);
  // One request from `address`: 0 if admitted, else the seconds (at least 1) after which the
  // next one would be.
  int RequestWaitS(const std::string& address);

  int connections();  // in flight now (for tests and logs)

 private:
  struct Bucket {
    double tokens;
    int64_t at_ms;
  };
  class Buckets {
   public:
    Buckets(int rate_per_s, int burst) : rate_per_ms_(rate_per_s / 1000.0), burst_(burst) {}
    // (rate_per_s > 0.) Takes a token (down to one burst of debt); 0 if there was one, else the ms until there is.
    int64_t Take(const std::string& key, int64_t now_ms);

   private:
    const double rate_per_ms_;
    const double burst_;
    std::unordered_map<std::string, Bucket> buckets_;
    int64_t last_sweep_ms_ = 0;
  };

  const RequestGateConfig config_;
  const std::function<int64_t()> now_ms_;
  Mutex mu_;
  Buckets by_address_ GUARDED_BY(mu_);
  Buckets by_prefix_ GUARDED_BY(mu_);
  int connections_ GUARDED_BY(mu_) = 0;
  std::unordered_map<std::string, int> address_connections_ GUARDED_BY(mu_);
};

}  // namespace mqchat::api
