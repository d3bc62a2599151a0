// The API service answers with Nagle's algorithm off (api/src/http_server.cpp). cpp-httplib
// sends a response's headers and body in two writes; with Nagle on, the body of every
// kept-alive request waited for the client's delayed ACK, 40 ms on Linux (refreshes took 48 ms
// p50 on both stores in bench/api_bench.sh). Checked on the service's own accepted socket,
// fetched from the running process with pidfd_getfd, not by timing.
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include <gtest/gtest.h>

#include "support/api_process.h"
#include "support/chat_server.h"

namespace mqchat::test {
namespace {

int LocalPort(int fd) {
  sockaddr_in a{};
  socklen_t n = sizeof a;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n) != 0) return -1;
  return ntohs(a.sin_port);
}

int PeerPort(int fd) {
  sockaddr_in a{};
  socklen_t n = sizeof a;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&a), &n) != 0) return -1;
  return ntohs(a.sin_port);
}

// A copy of process `pid`'s socket whose peer is 127.0.0.1:`peer_port`, or -1.
int ServerSocketFor(pid_t pid, int peer_port) {
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  if (pidfd < 0) return -1;
  int found = -1;
  const std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      const int copy =
          static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, std::stoi(e->d_name), 0));
      if (copy < 0) continue;
      if (PeerPort(copy) == peer_port) {
        found = copy;
        break;
      }
      close(copy);
    }
    closedir(d);
  }
  close(pidfd);
  return found;
}

TEST(ApiTcpNoDelayTest, TheServiceSocketsHaveNagleOff) {
  ChatServerOptions o;
  o.store = StoreKind::kSqlite;
  auto server = ChatServer::Create(std::move(o));
  ASSERT_TRUE(server);
  ApiProcess api(server->store_config());
  ASSERT_TRUE(api.Start());

  const int client = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(client, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(api.port()));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(client, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
  // One kept-alive request, answered: the service has accepted the connection and served on it.
  const std::string request = "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  ASSERT_EQ(write(client, request.data(), request.size()),
            static_cast<ssize_t>(request.size()));
  char buf[512];
  ASSERT_GT(read(client, buf, sizeof buf), 0);

  const int served = ServerSocketFor(api.pid(), LocalPort(client));
  ASSERT_GE(served, 0) << "the service's socket for this connection (pidfd_getfd as root)";
  int nodelay = 0;
  socklen_t len = sizeof nodelay;
  ASSERT_EQ(getsockopt(served, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len), 0);
  EXPECT_NE(nodelay, 0) << "Nagle is on: each kept-alive answer waits for a delayed ACK";
  close(served);
  close(client);
}

}  // namespace
}  // namespace mqchat::test
