#include "support/http_test_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <stdexcept>

namespace mqchat::test {
namespace {

constexpr size_t kMaxRequestBytes = 16 * 1024 * 1024;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

const char* ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 410:
      return "Gone";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

// Parses one complete request from the front of `buffer`; returns its length, or 0 if more
// bytes are needed, or npos if the bytes are not HTTP.
size_t ParseRequest(const std::string& buffer, HttpRequest* out) {
  const size_t head_end = buffer.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    return buffer.size() > kMaxRequestBytes ? std::string::npos : 0;
  }
  HttpRequest req;
  size_t line_end = buffer.find("\r\n");
  const std::string request_line = buffer.substr(0, line_end);
  const size_t sp1 = request_line.find(' ');
  const size_t sp2 = request_line.find(' ', sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return std::string::npos;
  req.method = request_line.substr(0, sp1);
  req.path = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
  size_t pos = line_end + 2;
  while (pos < head_end) {
    line_end = buffer.find("\r\n", pos);
    const std::string line = buffer.substr(pos, line_end - pos);
    const size_t colon = line.find(':');
    if (colon != std::string::npos) {
      req.headers[Lower(Trim(line.substr(0, colon)))] = Trim(line.substr(colon + 1));
    }
    pos = line_end + 2;
  }
  size_t length = 0;
  auto it = req.headers.find("content-length");
  if (it != req.headers.end()) length = std::stoul(it->second);
  const size_t total = head_end + 4 + length;
  if (buffer.size() < total) return 0;
  req.body = buffer.substr(head_end + 4, length);
  req.json = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  *out = std::move(req);
  return total;
}

bool SendAll(int fd, const std::string& data) {
  size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

std::vector<std::string> NotificationTokens(const nlohmann::json& request) {
  std::vector<std::string> tokens;
  if (!request.is_object() || !request.contains("notification")) return tokens;
  const auto& devices = request["notification"].value("devices", nlohmann::json::array());
  for (const auto& d : devices) {
    if (d.is_object() && d.contains("pushkey") && d["pushkey"].is_string()) {
      tokens.push_back(d["pushkey"].get<std::string>());
    }
  }
  return tokens;
}

HttpTestServer::HttpTestServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("HttpTestServer: socket() failed");
  const int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("HttpTestServer: bind/listen on 127.0.0.1 failed");
  }
  port_ = ntohs(addr.sin_port);
  if (::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("HttpTestServer: pipe() failed");
  }
  thread_ = std::thread([this] { Serve(); });
}

HttpTestServer::~HttpTestServer() {
  const char byte = 'x';
  (void)!::write(wake_pipe_[1], &byte, 1);
  if (thread_.joinable()) thread_.join();
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

std::string HttpTestServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void HttpTestServer::RespondWith(int status) {
  MutexLock lock(mu_);
  status_ = status;
}

void HttpTestServer::FailNext(size_t n, int status) {
  MutexLock lock(mu_);
  fail_next_ = n;
  fail_status_ = status;
}

void HttpTestServer::RejectToken(const std::string& token) {
  MutexLock lock(mu_);
  rejected_.insert(token);
}

void HttpTestServer::AnswerTokenWith(const std::string& token, int status) {
  MutexLock lock(mu_);
  token_status_[token] = status;
}

void HttpTestServer::SetHandler(Handler handler) {
  MutexLock lock(mu_);
  handler_ = std::move(handler);
}

std::vector<HttpExchange> HttpTestServer::Exchanges() const {
  MutexLock lock(mu_);
  return exchanges_;
}

size_t HttpTestServer::RequestCount() const {
  MutexLock lock(mu_);
  return exchanges_.size();
}

HttpReply HttpTestServer::Script(const HttpRequest& request) {
  HttpReply reply;
  if (fail_next_ > 0) {
    --fail_next_;
    reply.status = fail_status_;
    return reply;
  }
  const std::vector<std::string> tokens = NotificationTokens(request.json);
  for (const auto& token : tokens) {
    auto it = token_status_.find(token);
    if (it != token_status_.end()) {
      reply.status = it->second;
      return reply;
    }
  }
  reply.status = status_;
  if (status_ < 200 || status_ >= 300) return reply;
  nlohmann::json rejected = nlohmann::json::array();
  for (const auto& token : tokens) {
    if (rejected_.count(token) != 0) rejected.push_back(token);
  }
  reply.body = nlohmann::json{{"rejected", rejected}}.dump();
  return reply;
}

void HttpTestServer::Serve() {
  struct Conn {
    int fd;
    std::string buffer;
  };
  std::vector<Conn> conns;
  while (true) {
    std::vector<pollfd> fds;
    fds.push_back({wake_pipe_[0], POLLIN, 0});
    fds.push_back({listen_fd_, POLLIN, 0});
    for (const auto& c : conns) fds.push_back({c.fd, POLLIN, 0});
    if (::poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[0].revents != 0) break;  // stopping
    if (fds[1].revents & POLLIN) {
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd >= 0) conns.push_back({fd, ""});
    }
    std::vector<int> closed;
    for (size_t i = 2; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Conn& conn = conns[i - 2];
      char chunk[16384];
      const ssize_t n = ::recv(conn.fd, chunk, sizeof(chunk), 0);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        closed.push_back(conn.fd);
        continue;
      }
      conn.buffer.append(chunk, static_cast<size_t>(n));
      while (true) {
        HttpRequest request;
        const size_t used = ParseRequest(conn.buffer, &request);
        if (used == 0) break;
        if (used == std::string::npos) {
          closed.push_back(conn.fd);
          break;
        }
        conn.buffer.erase(0, used);
        HttpReply reply;
        {
          MutexLock lock(mu_);
          reply = handler_ ? handler_(request, exchanges_.size()) : Script(request);
          exchanges_.push_back({request, reply});
        }
        std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                          ReasonPhrase(reply.status) + "\r\nContent-Type: application/json" +
                          "\r\nContent-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n" +
                          reply.body;
        if (!SendAll(conn.fd, out)) {
          closed.push_back(conn.fd);
          break;
        }
      }
    }
    for (int fd : closed) {
      auto it =
          std::find_if(conns.begin(), conns.end(), [fd](const Conn& c) { return c.fd == fd; });
      if (it != conns.end()) {
        ::close(it->fd);
        conns.erase(it);
      }
    }
  }
  for (const auto& c : conns) ::close(c.fd);
}

}  // namespace mqchat::test
