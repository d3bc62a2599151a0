#include "support/redis_instance.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "support/broker_process.h"  // LastLines, SkipOrFailMissing
#include "support/free_port.h"

namespace mqchat::test {
namespace {

constexpr int kLogLinesOnFailure = 200;

void RecordFatalFailure(const std::string& message) { FAIL() << message; }

// Finds `name` on $PATH; "" if absent.
std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string d;
  while (std::getline(dirs, d, ':')) {
    std::string candidate = (d.empty() ? "." : d) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// Minimal RESP2 reader over a blocking socket with a deadline.
class RespReader {
 public:
  RespReader(int fd, std::chrono::steady_clock::time_point deadline)
      : fd_(fd), deadline_(deadline) {}

  std::optional<RedisReply> Read() {
    std::string line;
    if (!ReadLine(&line) || line.empty()) return std::nullopt;
    RedisReply r;
    const std::string rest = line.substr(1);
    switch (line[0]) {
      case '+': r.type = RedisReply::Type::kStatus; r.str = rest; return r;
      case '-': r.type = RedisReply::Type::kError; r.str = rest; return r;
      case ':': r.type = RedisReply::Type::kInteger; r.integer = std::atoll(rest.c_str()); return r;
      case '$': {
        long long n = std::atoll(rest.c_str());
        if (n < 0) return r;  // kNil
        std::string data;
        if (!ReadBytes(static_cast<size_t>(n) + 2, &data)) return std::nullopt;
        r.type = RedisReply::Type::kBulk;
        r.str = data.substr(0, static_cast<size_t>(n));
        return r;
      }
      case '*': {
        long long n = std::atoll(rest.c_str());
        if (n < 0) return r;  // nil array
        r.type = RedisReply::Type::kArray;
        for (long long i = 0; i < n; ++i) {
          auto element = Read();
          if (!element) return std::nullopt;
          r.elements.push_back(std::move(*element));
        }
        return r;
      }
      default: return std::nullopt;
    }
  }

 private:
  bool Fill() {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline_ - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) return false;
    buf_.append(buf, static_cast<size_t>(n));
    return true;
  }
  bool ReadLine(std::string* line) {
    size_t pos;
    while ((pos = buf_.find("\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    *line = buf_.substr(0, pos);
    buf_.erase(0, pos + 2);
    return true;
  }
  bool ReadBytes(size_t n, std::string* out) {
    while (buf_.size() < n) {
      if (!Fill()) return false;
    }
    *out = buf_.substr(0, n);
    buf_.erase(0, n);
    return true;
  }

  int fd_;
  std::chrono::steady_clock::time_point deadline_;
  std::string buf_;
};

}  // namespace

RedisInstance::RedisInstance() : dir_("mqchat-redis", 0755), port_(FreePort()) {}

RedisInstance::~RedisInstance() {
  Stop(std::chrono::seconds(5));
  if (::testing::Test::HasFailure()) {
    std::cerr << "---- last " << kLogLinesOnFailure << " lines of redis log (" << log_path()
              << ") ----\n"
              << LastLines(Log(), kLogLinesOnFailure) << "---- end of redis log ----\n";
  }
}

bool RedisInstance::Start() {
  const std::string binary = FindOnPath("redis-server");
  if (binary.empty()) {
    SkipOrFailMissing("redis-server is not installed");
    return false;
  }
  if (process_.Running()) {
    RecordFatalFailure("RedisInstance: already running");
    return false;
  }
  try {
    std::vector<std::string> argv = {binary,   "--port",      std::to_string(port_),
                                     "--bind", "127.0.0.1",   "--save",
                                     "",       "--appendonly", "no",
                                     "--daemonize", "no",     "--dir",
                                     dir_.path()};
    if (!sentinel_config_.empty()) {
      // A sentinel rewrites its config file, so it gets one of its own.
      const std::string conf = dir_.File("sentinel.conf");
      std::ofstream(conf) << "port " << port_ << "\nbind 127.0.0.1\ndaemonize no\ndir "
                          << dir_.path() << "\n" << sentinel_config_ << "\n";
      argv = {binary, conf, "--sentinel"};
    }
    argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
    process_.Start(argv, log_path());
  } catch (const std::exception& e) {
    RecordFatalFailure(std::string("RedisInstance: cannot start redis-server: ") + e.what());
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  auto poll = std::chrono::milliseconds(1);
  while (true) {
    if (!process_.Running()) {
      RecordFatalFailure("redis-server exited during start with code " +
                         std::to_string(process_.exit_code()) + "; log:\n" +
                         LastLines(Log(), kLogLinesOnFailure));
      return false;
    }
    if (CanConnect(port_) && Ping(std::chrono::milliseconds(500))) return true;
    if (std::chrono::steady_clock::now() >= deadline) {
      process_.Stop(std::chrono::seconds(2));
      RecordFatalFailure("redis-server did not answer PING on 127.0.0.1:" +
                         std::to_string(port_) + "; log:\n" +
                         LastLines(Log(), kLogLinesOnFailure));
      return false;
    }
    std::this_thread::sleep_for(poll);  // polling interval, not a wait for an event
    if (poll < std::chrono::milliseconds(50)) poll *= 2;
  }
}

int RedisInstance::Stop(std::chrono::milliseconds grace) { return process_.Stop(grace); }
void RedisInstance::Kill() { process_.Kill(); }
void RedisInstance::Pause() { process_.Signal(SIGSTOP); }
void RedisInstance::Resume() { process_.Signal(SIGCONT); }
bool RedisInstance::Running() { return process_.Running(); }

std::optional<RedisReply> RedisInstance::Command(const std::vector<std::string>& args,
                                                 std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  std::optional<RedisReply> reply;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
    std::string request = "*" + std::to_string(args.size()) + "\r\n";
    for (const auto& a : args) request += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
    size_t sent = 0;
    while (sent < request.size()) {
      ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    if (sent == request.size()) reply = RespReader(fd, deadline).Read();
  }
  ::close(fd);
  return reply;
}

bool RedisInstance::Ping(std::chrono::milliseconds timeout) {
  auto reply = Command({"PING"}, timeout);
  return reply && reply->type == RedisReply::Type::kStatus && reply->str == "PONG";
}

std::string RedisInstance::Log() const { return ReadFile(log_path()); }

}  // namespace mqchat::test
