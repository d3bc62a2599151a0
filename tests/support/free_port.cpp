#include "support/free_port.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>

namespace mqchat::test {

// Free loopback TCP ports for test servers, picked at random below the kernel's ephemeral range
// (net.ipv4.ip_local_port_range, 32768-60999 by default) and checked by binding them. A port
// the kernel chose (bind to port 0) is an ephemeral one, and every outgoing connection on the
// machine (browsers, flood tests, other fixtures' clients) takes its local port from the same
// range: one did in CI between the check and the server's start, and pg_auto_failover's monitor
// PostgreSQL (listen_addresses '*') came up on IPv6 only, refusing 127.0.0.1 until the set-up
// timed out.
namespace {
constexpr int kLowestPort = 20000;
constexpr int kHighestPort = 32767;

bool FreeOnLoopback(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return free;
}
}  // namespace

int FreePort() {
  static std::mutex mu;
  static std::set<int> handed_out;  // never hand the same port to two fixtures of one run
  static std::mt19937 random{std::random_device{}()};
  std::lock_guard<std::mutex> lock(mu);
  std::uniform_int_distribution<int> pick(kLowestPort, kHighestPort);
  for (int attempt = 0; attempt < 1000; ++attempt) {
    const int port = pick(random);
    if (handed_out.count(port) == 0 && FreeOnLoopback(port)) {
      handed_out.insert(port);
      return port;
    }
  }
  throw std::runtime_error("no free port found");
}

bool CanConnect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace mqchat::test
