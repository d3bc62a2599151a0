// RedisInstance: a throwaway redis-server on a free loopback port (no persistence), plus a tiny
// RESP client for PING and for inspecting keys in tests. Test thread only.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace mqchat::test {

// One RESP2 reply.
struct RedisReply {
  enum class Type { kStatus, kError, kInteger, kBulk, kNil, kArray };
  Type type = Type::kNil;
  std::string str;         // kStatus, kError (without the leading '+'/'-'), kBulk
  long long integer = 0;   // kInteger
  std::vector<RedisReply> elements;  // kArray
};

class RedisInstance {
 public:
  static constexpr std::chrono::milliseconds kStartTimeout{10000};

  // Picks the port and creates the temp dir; does not start anything.
  RedisInstance();
  // Before Start(): more redis-server arguments ("--replicaof", "127.0.0.1", "6379"), or run as
  // a Redis Sentinel with these config lines ("sentinel monitor ..."; port and bind are added).
  void SetExtraArgs(std::vector<std::string> args) { extra_args_ = std::move(args); }
  void SetSentinelConfig(std::string lines) { sentinel_config_ = std::move(lines); }
  // Stops the server. If the current test has failed, prints the last 200 log lines to stderr.
  ~RedisInstance();
  RedisInstance(const RedisInstance&) = delete;
  RedisInstance& operator=(const RedisInstance&) = delete;

  // Starts redis-server and returns true once PING answers PONG (polled, 10 s deadline).
  // Otherwise records a fatal gtest failure with the log (or a skip if redis-server is missing
  // and MQCHAT_REQUIRE_INTEGRATION is not 1) and returns false: `if (!redis.Start()) return;`.
  // May be called again after Stop()/Kill(): same port, empty data (nothing is saved).
  bool Start();
  int Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));  // SIGTERM, then SIGKILL
  void Kill();    // SIGKILL
  void Pause();   // SIGSTOP: connections stay open but nothing is answered
  void Resume();  // SIGCONT
  bool Running();

  // Sends one command on a fresh connection. nullopt if it cannot connect or no complete reply
  // arrives within `timeout`.
  std::optional<RedisReply> Command(const std::vector<std::string>& args,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(2));
  // True if PING answers +PONG within `timeout`.
  bool Ping(std::chrono::milliseconds timeout = std::chrono::seconds(1));

  int port() const { return port_; }
  std::string host() const { return "127.0.0.1"; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_.path(); }
  std::string log_path() const { return dir_.File("redis.log"); }
  std::string Log() const;

 private:
  TempDir dir_;
  int port_ = 0;
  Subprocess process_;
  std::vector<std::string> extra_args_;
  std::string sentinel_config_;  // empty: a plain redis-server
};

}  // namespace mqchat::test
