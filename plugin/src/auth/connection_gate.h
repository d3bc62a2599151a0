// ConnectionGate: how many new connections the plugin lets through BASIC_AUTH per second, per
// client address and in total; past either rate a CONNECT is refused at once, before any
// username check, store lookup or password hash, so a connection flood costs the broker thread
// little more than Mosquitto's own handling of the packets (which only a firewall or load
// balancer in front can spare it: docs/OPERATIONS.md). Refused attempts count too, so a client
// hammering the broker stays refused until it slows down. Broker thread only.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "util/fixed_window_counter.h"

namespace mqchat::auth {

class ConnectionGate {
 public:
  // Rates per second; 0 turns that limit off.
  ConnectionGate(int per_address_per_s, int total_per_s, size_t max_addresses = 100000);

  // Counts one new connection from `address` at `now_ms`; false if it is over a rate.
  bool Admit(std::string_view address, int64_t now_ms);

 private:
  const int per_address_;
  const int total_;
  FixedWindowCounter by_address_;
  FixedWindowCounter total_count_;
};

}  // namespace mqchat::auth
