// RAII for hiredis handles, and the one place hiredis errors become Status. Each context is
// owned by one thread.
#pragma once

#include <hiredis/hiredis.h>

#include <memory>
#include <string>

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

struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
};

// Parses "host:port", "redis://host:port" or "host" (port 6379).
Result<RedisAddress> ParseRedisAddress(const std::string& text);

// Connects with a timeout; commands on the context time out after `timeout_ms` too.
// kUnavailable with hiredis' message on failure.
Result<RedisContextPtr> ConnectRedis(const RedisAddress& address, int timeout_ms);

// Runs one command (printf-style format, hiredis rules: %s for strings, %b for binary).
// kUnavailable on I/O errors (the context is then unusable); kInternal on an error reply.
Result<RedisReplyPtr> RedisCommand(redisContext* c, const char* format, ...);

}  // namespace mqchat::presence
