// PostJsonFrom: one HTTP POST with a JSON body from a chosen loopback source address (libcurl's
// CURLOPT_INTERFACE), so a test can be many clients at once, as the API service's per-address
// and per-network throttles see them (cpp-httplib's client cannot choose the source). A fresh
// connection per call. Thread-safe.
#pragma once

#include <chrono>
#include <string>

namespace mqchat::test {

struct HttpFromResult {
  int status = 0;  // 0: transport failure (`error` says why)
  std::string body;
  std::string error;
  std::chrono::steady_clock::duration elapsed{};
};

HttpFromResult PostJsonFrom(const std::string& source_ip, int port, const std::string& path,
                            const std::string& body,
                            std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace mqchat::test
