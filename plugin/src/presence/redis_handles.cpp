#include "presence/redis_handles.h"

#include <cstdarg>
#include <cstdlib>

namespace mqchat::presence {

Result<RedisAddress> ParseRedisAddress(const std::string& text) {
  std::string rest = text;
  if (rest.rfind("redis://", 0) == 0) rest = rest.substr(8);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  RedisAddress out;
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) {
    out.host = rest;
  } else {
    out.host = rest.substr(0, colon);
    const std::string port = rest.substr(colon + 1);
    char* end = nullptr;
    long p = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || p < 1 || p > 65535) {
      return Status::InvalidArgument("'" + text + "' has no valid port");
    }
    out.port = static_cast<int>(p);
  }
  if (out.host.empty()) return Status::InvalidArgument("'" + text + "' has no host");
  return out;
}

Result<RedisContextPtr> ConnectRedis(const RedisAddress& address, int timeout_ms) {
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  RedisContextPtr c(redisConnectWithTimeout(address.host.c_str(), address.port, tv));
  if (!c) return Status::Unavailable("redis: out of memory");
  if (c->err) {
    return Status::Unavailable("redis " + address.host + ":" + std::to_string(address.port) +
                               ": " + c->errstr);
  }
  redisSetTimeout(c.get(), tv);
  return c;
}

Result<RedisReplyPtr> RedisCommand(redisContext* c, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  RedisReplyPtr reply(static_cast<redisReply*>(redisvCommand(c, format, ap)));
  va_end(ap);
  if (!reply || c->err) return Status::Unavailable(std::string("redis: ") + c->errstr);
  if (reply->type == REDIS_REPLY_ERROR) {
    return Status::Internal("redis: " + std::string(reply->str, reply->len));
  }
  return reply;
}

}  // namespace mqchat::presence
