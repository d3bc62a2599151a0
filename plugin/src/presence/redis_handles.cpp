#include "presence/redis_handles.h"

#include <cstdarg>
#include <cstdlib>

namespace mqchat::presence {

namespace {

// "host:port" or "host" (`default_port`), after an optional "redis://".
Result<RedisHostPort> ParseHostPort(const std::string& text, int default_port) {
  std::string rest = text;
  if (rest.rfind("redis://", 0) == 0) rest = rest.substr(8);
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  RedisHostPort out;
  out.port = default_port;
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

Result<RedisContextPtr> ConnectOne(const RedisHostPort& address, int timeout_ms) {
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

// The master's address as `sentinel` knows it.
Result<RedisHostPort> AskSentinel(const RedisHostPort& sentinel, const std::string& name,
                                  int timeout_ms) {
  MQCHAT_ASSIGN_OR_RETURN(RedisContextPtr c, ConnectOne(sentinel, timeout_ms));
  MQCHAT_ASSIGN_OR_RETURN(
      RedisReplyPtr r, RedisCommand(c.get(), "SENTINEL get-master-addr-by-name %s", name.c_str()));
  if (r->type != REDIS_REPLY_ARRAY || r->elements != 2 ||
      r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_STRING) {
    return Status::Unavailable("sentinel " + sentinel.host + ":" + std::to_string(sentinel.port) +
                               " knows no master '" + name + "'");
  }
  const std::string port(r->element[1]->str, r->element[1]->len);
  return ParseHostPort(std::string(r->element[0]->str, r->element[0]->len) + ":" + port, 0);
}

// True if `c` answers ROLE as a master (a sentinel may still name a demoted or restarted one).
bool IsMaster(redisContext* c) {
  auto r = RedisCommand(c, "ROLE");
  return r.ok() && (*r)->type == REDIS_REPLY_ARRAY && (*r)->elements > 0 &&
         (*r)->element[0]->type == REDIS_REPLY_STRING &&
         std::string((*r)->element[0]->str, (*r)->element[0]->len) == "master";
}

}  // namespace

Result<RedisAddress> ParseRedisAddress(const std::string& text) {
  MQCHAT_ASSIGN_OR_RETURN(RedisHostPort hp, ParseHostPort(text, 6379));
  RedisAddress out;
  out.host = hp.host;
  out.port = hp.port;
  return out;
}

Result<RedisAddress> ParseRedisSentinels(const std::string& text, const std::string& master_name) {
  if (master_name.empty()) return Status::InvalidArgument("sentinels need a master name");
  RedisAddress out;
  out.master_name = master_name;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string entry = text.substr(start, comma - start);
    while (!entry.empty() && entry.front() == ' ') entry.erase(0, 1);
    while (!entry.empty() && entry.back() == ' ') entry.pop_back();
    MQCHAT_ASSIGN_OR_RETURN(RedisHostPort hp, ParseHostPort(entry, kDefaultSentinelPort));
    out.sentinels.push_back(hp);
    start = comma + 1;
  }
  return out;
}

Result<RedisContextPtr> ConnectRedis(const RedisAddress& address, int timeout_ms) {
  if (address.sentinels.empty()) {
    return ConnectOne(RedisHostPort{address.host, address.port}, timeout_ms);
  }
  Status last = Status::Unavailable("no sentinel");
  for (const auto& sentinel : address.sentinels) {
    auto master = AskSentinel(sentinel, address.master_name, timeout_ms);
    if (!master.ok()) {
      last = master.status();
      continue;
    }
    auto c = ConnectOne(*master, timeout_ms);
    if (c.ok() && IsMaster(c->get())) return c;
    last = c.ok() ? Status::Unavailable("redis " + master->host + ":" +
                                        std::to_string(master->port) + " is not a master")
                  : c.status();
  }
  return Status::Unavailable("redis master '" + address.master_name +
                             "' not found through " + std::to_string(address.sentinels.size()) +
                             " sentinel(s); last: " + last.message());
}

Result<RedisReplyPtr> RedisCommand(redisContext* c, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  RedisReplyPtr reply(static_cast<redisReply*>(redisvCommand(c, format, ap)));
  va_end(ap);
  if (!reply || c->err) return Status::Unavailable(std::string("redis: ") + c->errstr);
  if (reply->type == REDIS_REPLY_ERROR) {
    const std::string error(reply->str, reply->len);
    if (error.rfind("READONLY", 0) == 0) return Status::Unavailable("redis: " + error);
    return Status::Internal("redis: " + error);
  }
  return reply;
}

}  // namespace mqchat::presence
