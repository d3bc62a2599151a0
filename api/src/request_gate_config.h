// RequestGateConfig: the options of the HTTP server's front gate (request_gate.h), parsed by
// ApplyRequestGateOption for config.cpp so the keys live next to their meaning. Pure parsing.
#pragma once

#include <optional>
#include <string>

#include "mqchat/status.h"

namespace mqchat::api {

struct RequestGateConfig {
  // Requests per second each client address may make (`request_rate_per_address`, 0..100000;
  // 0: no limit), with bursts of `request_burst_per_address` (1..100000).
  int rate_per_address = 50;
  int burst_per_address = 100;
  // The same per /24 (IPv4) or /56 (IPv6) network (`request_rate_per_prefix`,
  // `request_burst_per_prefix`).
  int rate_per_prefix = 200;
  int burst_per_prefix = 400;
  // Connections accepted and not yet closed, waiting for an HTTP thread or being served
  // (`max_connections`, 1..100000): one accepted beyond it is answered 503 and closed.
  int max_connections = 512;
  // Connections open at once from one address (`max_connections_per_address`, 0..100000; 0: no
  // limit): one beyond it is answered 429 and closed.
  int max_connections_per_address = 64;
  // Keep-alive: requests per connection (`keep_alive_requests`, 1..10000) and how long an idle
  // connection may hold its HTTP thread (`keep_alive_timeout_s`, 1..60).
  int keep_alive_requests = 100;
  int keep_alive_timeout_s = 2;
};

// Applies `key` if it is a gate option: nullopt if it is not one, else the result
// (kInvalidArgument naming the key for a bad value).
std::optional<Status> ApplyRequestGateOption(const std::string& key, const std::string& value,
                                             RequestGateConfig* config);

}  // namespace mqchat::api
