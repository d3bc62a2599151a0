#include "support/raw_publish.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>

#include "support/mqtt_wire.h"

namespace mqchat::test {
namespace {

using Clock = std::chrono::steady_clock;

// A QoS 1 PUBLISH's fixed header and variable header (packet id 1) for `payload_size` bytes.
std::string PublishHead(const RawPublishOptions& o, size_t payload_size) {
  std::string head;
  PutMqttString(head, o.topic);
  head += '\0';
  head += '\1';
  if (o.mqtt_version >= 5) head += '\0';  // no properties
  return MqttFixedHeader(0x32, head.size() + payload_size) + head;
}

// Takes each complete packet off the front of `in` and records what it says in `r`.
void Parse(std::string& in, int mqtt_version, RawPublishResult& r) {
  while (in.size() >= 2) {
    size_t length = 0, pos = 1;
    for (int shift = 0;; shift += 7, ++pos) {
      if (pos >= in.size()) return;  // the length is not complete yet
      const auto byte = static_cast<uint8_t>(in[pos]);
      length |= static_cast<size_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) break;
    }
    if (in.size() < pos + 1 + length) return;
    const auto type = static_cast<uint8_t>(in[0]) & 0xf0;
    const std::string body = in.substr(pos + 1, length);
    in.erase(0, pos + 1 + length);
    const auto at = [&](size_t i) { return i < body.size() ? static_cast<uint8_t>(body[i]) : 0; };
    if (type == 0x20) r.connack = at(1);
    if (type == 0x40) r.puback = mqtt_version >= 5 ? at(2) : 0;
    if (type == 0xe0) r.disconnect = at(0);
  }
}

}  // namespace

RawPublishResult RawPublish(const RawPublishOptions& o, const std::string& payload) {
  RawPublishResult r;
  const auto deadline = Clock::now() + o.timeout;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return r;
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  sockaddr_in dst{};
  dst.sin_family = AF_INET;
  dst.sin_port = htons(static_cast<uint16_t>(o.port));
  dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&dst), sizeof(dst)) != 0) {
    close(fd);
    return r;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  // What is left to write: the CONNECT, then (once CONNACK 0 came) the PUBLISH head and payload.
  std::string out = MqttConnectPacket(o.mqtt_version, o.client_id, o.username, o.password), in;
  size_t written = 0;  // of `out` (before the payload) or of the payload
  bool publishing = false;
  char buf[4096];
  while (!r.closed && !r.puback && Clock::now() < deadline) {  // a DISCONNECT: on to the close
    if (!publishing && r.connack == 0) {
      publishing = true;
      out = PublishHead(o, payload.size());
      written = 0;
    } else if (!publishing && r.connack > 0) {
      break;  // refused
    }
    const bool head_left = written < out.size();
    const bool payload_left = publishing && !r.disconnect && r.payload_written < payload.size();
    pollfd p{fd, static_cast<short>(POLLIN | (head_left || payload_left ? POLLOUT : 0)), 0};
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (poll(&p, 1, static_cast<int>(std::max<int64_t>(1, left.count()))) <= 0) continue;
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = recv(fd, buf, sizeof(buf), 0);
      if (n > 0) {
        in.append(buf, static_cast<size_t>(n));
        Parse(in, o.mqtt_version, r);
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        r.closed = true;
      }
      continue;  // read everything there is before writing more
    }
    if (!(p.revents & POLLOUT)) continue;
    ssize_t n;
    if (head_left) {
      n = send(fd, out.data() + written, out.size() - written, MSG_NOSIGNAL);
    } else {
      const size_t chunk = std::min<size_t>(1 << 20, payload.size() - r.payload_written);
      n = send(fd, payload.data() + r.payload_written, chunk, MSG_NOSIGNAL);
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) continue;  // a reset: read what came first
    if (n > 0) (head_left ? written : r.payload_written) += static_cast<size_t>(n);
  }
  close(fd);
  return r;
}

}  // namespace mqchat::test
