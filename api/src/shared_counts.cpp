#include "shared_counts.h"

#include <chrono>
#include <iostream>

namespace mqchat::api {
namespace {

// Short: a throttle check sits in front of every login and sign-up.
constexpr int kRedisTimeoutMs = 200;
constexpr int64_t kReconnectEveryMs = 1000;
constexpr size_t kMaxKeys = 3;

// KEYS: up to 3 counters ("" for none); ARGV: their limits. The longest PTTL among the keys at
// or over their limit, 0 if none is.
constexpr const char* kWaitScript = R"lua(
local wait = 0
for i = 1, 3 do
  local limit = tonumber(ARGV[i])
  if KEYS[i] ~= '' and limit > 0 then
    local n = tonumber(redis.call('GET', KEYS[i]) or '0')
    if n >= limit then
      local t = redis.call('PTTL', KEYS[i])
      if t > wait then wait = t end
    end
  end
end
return wait)lua";

// KEYS: up to 3 counters ("" for none); ARGV[1]: the window. A counter's first event opens its
// window (a key somehow left without expiry gets one too, so none lives forever).
constexpr const char* kAddScript = R"lua(
for i = 1, 3 do
  if KEYS[i] ~= '' then
    local n = redis.call('INCR', KEYS[i])
    if n == 1 or redis.call('PTTL', KEYS[i]) < 0 then
      redis.call('PEXPIRE', KEYS[i], ARGV[1])
    end
  end
end
return 0)lua";

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string RedisKey(const std::string& scope, const std::string& key) {
  return key.empty() ? std::string() : "mqchat:throttle:" + scope + ":" + key;
}

}  // namespace

SharedCounts::SharedCounts(presence::RedisAddress address) : address_(std::move(address)) {}

Result<int64_t> SharedCounts::WaitMs(const std::string& scope,
                                     const std::vector<std::pair<std::string, int>>& keys) {
  std::vector<std::string> names, limits;
  for (const auto& key : keys) {
    names.push_back(RedisKey(scope, key.first));
    limits.push_back(std::to_string(key.first.empty() ? 0 : key.second));
  }
  return Eval(kWaitScript, names, limits);
}

Status SharedCounts::Add(const std::string& scope, const std::vector<std::string>& keys,
                         int64_t window_ms) {
  std::vector<std::string> names;
  for (const auto& key : keys) names.push_back(RedisKey(scope, key));
  return Eval(kAddScript, names, {std::to_string(window_ms)}).status();
}

Status SharedCounts::Reset(const std::string& scope, const std::string& key) {
  if (key.empty()) return Status::Ok();
  MutexLock lock(mu_);
  auto c = Connection(SteadyMs());
  if (!c.ok()) return c.status();
  auto reply = presence::RedisCommand(*c, "DEL %s", RedisKey(scope, key).c_str());
  if (!reply.ok()) redis_.reset();
  return reply.status();
}

Result<int64_t> SharedCounts::Eval(const char* script, const std::vector<std::string>& keys,
                                   const std::vector<std::string>& args) {
  if (keys.size() > kMaxKeys) return Status::InvalidArgument("at most 3 throttle keys");
  std::vector<std::string> k(keys), a(args);
  k.resize(kMaxKeys);
  a.resize(kMaxKeys);
  MutexLock lock(mu_);
  auto c = Connection(SteadyMs());
  if (!c.ok()) return c.status();
  auto reply = presence::RedisCommand(*c, "EVAL %s 3 %s %s %s %s %s %s", script, k[0].c_str(),
                                      k[1].c_str(), k[2].c_str(), a[0].c_str(), a[1].c_str(),
                                      a[2].c_str());
  if (!reply.ok() || (*reply)->type != REDIS_REPLY_INTEGER) {
    redis_.reset();  // reconnect (a second from now): a failover may have moved the master
    next_connect_ms_ = SteadyMs() + kReconnectEveryMs;
    Status failed = reply.ok() ? Status::Internal("throttle script: not an integer")
                               : reply.status();
    NoteFailure(failed);
    return failed;
  }
  return static_cast<int64_t>((*reply)->integer);
}

Result<redisContext*> SharedCounts::Connection(int64_t now_ms) {
  if (redis_) return redis_.get();
  if (now_ms < next_connect_ms_) return Status::Unavailable("redis: waiting to reconnect");
  auto connected = presence::ConnectRedis(address_, kRedisTimeoutMs);
  if (!connected.ok()) {
    next_connect_ms_ = now_ms + kReconnectEveryMs;
    NoteFailure(connected.status());
    return connected.status();
  }
  if (failing_) std::cerr << "mqchat-api: throttles: redis is back (counting shared again)\n";
  failing_ = false;
  redis_ = std::move(*connected);
  return redis_.get();
}

void SharedCounts::NoteFailure(const Status& status) {
  if (!failing_) {
    std::cerr << "mqchat-api: throttles: redis: " << status.message()
              << " (counting per process until it is back)\n";
  }
  failing_ = true;
}

}  // namespace mqchat::api
