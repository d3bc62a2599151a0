#include "support/raw_connect.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>

#include "support/mqtt_wire.h"

namespace mqchat::test {
namespace {

class Socket {
 public:
  Socket() : fd_(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string LoopbackAddress(int n) {
  return "127.0." + std::to_string(n / 250 + 10) + "." + std::to_string(n % 250 + 2);
}

RawConnectResult RawConnect(int port, const std::string& source_ip, const std::string& client_id,
                            const std::string& username, const std::string& password,
                            std::chrono::milliseconds timeout) {
  RawConnectResult result;
  Socket sock;
  if (sock.fd() < 0) return result;
  int one = 1;
  setsockopt(sock.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in src{};
  src.sin_family = AF_INET;
  if (inet_pton(AF_INET, source_ip.c_str(), &src.sin_addr) != 1) return result;
  if (bind(sock.fd(), reinterpret_cast<sockaddr*>(&src), sizeof(src)) != 0) return result;
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(port));
  dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + timeout;
  auto done = [&](int reason) {
    result.reason = reason;
    result.elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - start);
    return result;
  };
  if (connect(sock.fd(), reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0) return done(-1);
  const std::string packet = MqttConnectPacket(5, client_id, username, password);
  if (send(sock.fd(), packet.data(), packet.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(packet.size())) {
    return done(-1);
  }
  unsigned char buf[64];
  size_t have = 0;
  while (have < 4) {  // 0x20, remaining length (small), flags, reason code
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return done(-2);
    pollfd p{sock.fd(), POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = recv(sock.fd(), buf + have, sizeof(buf) - have, 0);
    if (n <= 0) return done(-3);
    have += static_cast<size_t>(n);
  }
  if (buf[0] != 0x20) return done(-3);
  return done(buf[3]);
}

}  // namespace mqchat::test
