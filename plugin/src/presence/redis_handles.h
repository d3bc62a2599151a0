// RAII for hiredis handles, and the one place hiredis errors become Status. Each context is
// owned by one thread. An address is one Redis, or a master found through Redis Sentinel: every
// connect asks the sentinels again, so a reconnect after a failover reaches the new master.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>
#include <vector>

#include "mqchat/status.h"

namespace mqchat::presence {

struct RedisContextFree {
  void operator()(redisContext* c) const noexcept { redisFree(c); }
};
struct RedisReplyFree {
  void operator()(redisReply* r) const noexcept { freeReplyObject(r); }
};
using RedisContextPtr = std::unique_ptr<redisContext, RedisContextFree>;
using RedisReplyPtr = std::unique_ptr<redisReply, RedisReplyFree>;

struct RedisHostPort {
  std::string host = "127.0.0.1";
  int port = 6379;
};

struct RedisAddress {
  std::string host = "127.0.0.1";  // without sentinels: the one Redis
  int port = 6379;
  // With sentinels: the master named `master_name` is looked up at every connect.
  std::vector<RedisHostPort> sentinels;
  std::string master_name;
};

constexpr int kDefaultSentinelPort = 26379;

// Parses "host:port", "redis://host:port" or "host" (port 6379).
Result<RedisAddress> ParseRedisAddress(const std::string& text);
// Parses "host:port,host:port,..." (a bare host means port 26379) into a sentinel address for
// the master called `master_name`. kInvalidArgument if empty or an entry does not parse.
Result<RedisAddress> ParseRedisSentinels(const std::string& text, const std::string& master_name);

// Connects with a timeout; commands on the context time out after `timeout_ms` too. With
// sentinels, asks each in turn for the master's address (SENTINEL get-master-addr-by-name) and
// connects to the first answer whose ROLE is master. kUnavailable on failure.
Result<RedisContextPtr> ConnectRedis(const RedisAddress& address, int timeout_ms);

// Runs one command (printf-style format, hiredis rules: %s for strings, %b for binary).
// kUnavailable on I/O errors (the context is then unusable) and on READONLY (a master demoted
// under us: reconnecting finds the new one); kInternal on another error reply.
Result<RedisReplyPtr> RedisCommand(redisContext* c, const char* format, ...);

}  // namespace mqchat::presence
