// RawConnect: one MQTT 5 CONNECT over a plain socket bound to a chosen loopback source address
// (127.x.y.z are all local on Linux), for tests that need many client addresses or precise
// timing: login floods and refusal timing. Paho cannot choose the source address. Thread-safe
// (no shared state).
#pragma once

#include <chrono>
#include <string>

namespace mqchat::test {

struct RawConnectResult {
  // The CONNACK reason code (0 accepted, 0x87 not authorized, ...), or -1 if the socket could
  // not be set up or connect, -2 on timeout, -3 if the connection closed without a CONNACK.
  int reason = -1;
  std::chrono::microseconds elapsed{0};  // from connect() to the CONNACK (or the failure)
};

// Connects from `source_ip` to 127.0.0.1:`port`, sends CONNECT (clean start, the given client
// id, username and password), waits for CONNACK and closes the socket.
RawConnectResult RawConnect(int port, const std::string& source_ip, const std::string& client_id,
                            const std::string& username, const std::string& password,
                            std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

// The loopback address number `n` (0-based) of a pool that avoids 127.0.0.1: 127.0.<n/250+10>.
// <n%250+2>, so consecutive numbers are fresh addresses and every 250 share a /24.
std::string LoopbackAddress(int n);

}  // namespace mqchat::test
