#include "presence/cluster_bus.h"

#include <poll.h>

#include <chrono>
#include <sstream>

namespace mqchat::presence {
namespace {

constexpr const char* kChannel = "mqchat:presence";
constexpr int kTimeoutMs = 1000;

std::string RouteChannel(int broker) { return "mqchat:route:" + std::to_string(broker); }
std::string LivenessKey(int broker) { return "mqchat:broker:" + std::to_string(broker); }
std::string UsersKey(int broker) { return "mqchat:broker_users:" + std::to_string(broker); }

}  // namespace

ClusterBus::ClusterBus(RedisAddress address, int broker_id, int ttl_s,
                               Callbacks callbacks)
    : address_(std::move(address)),
      broker_id_(broker_id),
      ttl_s_(ttl_s),
      callbacks_(std::move(callbacks)),
      cmd_thread_([this] { RunCommands(); }),
      sub_thread_([this] { RunSubscriber(); }) {}

ClusterBus::~ClusterBus() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  stop_subscriber_ = true;
  cv_.NotifyAll();
  if (cmd_thread_.joinable()) cmd_thread_.join();
  if (sub_thread_.joinable()) sub_thread_.join();
}

void ClusterBus::LocalChanged(const std::string& user, int devices) {
  {
    MutexLock lock(mu_);
    dirty_[user] = devices;
  }
  cv_.NotifyOne();
}

void ClusterBus::Route(int broker, const std::string& user, const std::string& payload) {
  {
    MutexLock lock(mu_);
    routes_.push_back(Routed{broker, user, payload});
  }
  cv_.NotifyOne();
}

void ClusterBus::Log(const std::string& message) {
  if (callbacks_.on_log) callbacks_.on_log(message);
}

bool ClusterBus::Connect() {
  auto c = ConnectRedis(address_, kTimeoutMs);
  if (!c.ok()) {
    if (reachable_.exchange(false)) {
      Log("redis unreachable, presence is local only until it returns: " + c.status().message());
    }
    return false;
  }
  cmd_ = std::move(*c);
  // Fresh connection (first, or after an outage): state may have been lost, announce it all.
  if (!Heartbeat() || !AnnounceAll()) return false;
  if (!reachable_.exchange(true)) Log("redis reachable again, presence is shared");
  return true;
}

bool ClusterBus::Announce(const std::string& user, int devices) {
  redisContext* c = cmd_.get();
  const std::string key = UsersKey(broker_id_);
  auto r = devices > 0 ? RedisCommand(c, "HSET %s %s %d", key.c_str(), user.c_str(), devices)
                       : RedisCommand(c, "HDEL %s %s", key.c_str(), user.c_str());
  if (!r.ok()) return false;
  std::ostringstream msg;
  msg << broker_id_ << ' ' << devices << ' ' << user;
  return RedisCommand(c, "PUBLISH %s %s", kChannel, msg.str().c_str()).ok();
}

bool ClusterBus::AnnounceAll() {
  if (!RedisCommand(cmd_.get(), "DEL %s", UsersKey(broker_id_).c_str()).ok()) return false;
  for (const auto& [user, devices] : local_) {
    if (!Announce(user, devices)) return false;
  }
  return true;
}

bool ClusterBus::Heartbeat() {
  redisContext* c = cmd_.get();
  const std::string me = std::to_string(broker_id_);
  if (!RedisCommand(c, "SET %s 1 EX %d", LivenessKey(broker_id_).c_str(), ttl_s_).ok()) {
    return false;
  }
  if (!RedisCommand(c, "SADD mqchat:brokers %s", me.c_str()).ok()) return false;
  if (!RedisCommand(c, "EXPIRE %s %d", UsersKey(broker_id_).c_str(), ttl_s_ * 3).ok()) {
    return false;
  }
  // Reap brokers whose liveness lapsed. Idempotent: several brokers may do it at once.
  auto members = RedisCommand(c, "SMEMBERS mqchat:brokers");
  if (!members.ok()) return false;
  for (size_t i = 0; i < (*members)->elements; ++i) {
    const std::string id((*members)->element[i]->str, (*members)->element[i]->len);
    if (id == me) continue;
    const int other = std::atoi(id.c_str());
    auto alive = RedisCommand(c, "EXISTS %s", LivenessKey(other).c_str());
    if (!alive.ok()) return false;
    if ((*alive)->integer == 0) {
      if (callbacks_.on_broker_gone) callbacks_.on_broker_gone(other);
      // Best effort: another broker may be reaping the same one.
      (void)RedisCommand(c, "SREM mqchat:brokers %s", id.c_str());
      (void)RedisCommand(c, "DEL %s", UsersKey(other).c_str());
    }
  }
  return true;
}

void ClusterBus::RunCommands() {
  const auto heartbeat = std::chrono::milliseconds(std::max(1, ttl_s_) * 1000 / 3);
  auto next_beat = std::chrono::steady_clock::now();
  MutexLock lock(mu_);
  while (!stopping_) {
    while (!stopping_ && dirty_.empty() && routes_.empty() && cv_.WaitUntil(mu_, next_beat)) {
    }
    if (stopping_) break;
    std::map<std::string, int> batch;
    batch.swap(dirty_);
    std::vector<Routed> routes;
    routes.swap(routes_);
    lock.Unlock();
    for (const auto& [user, devices] : batch) {
      if (devices > 0) {
        local_[user] = devices;
      } else {
        local_.erase(user);
      }
    }
    bool ok = cmd_ != nullptr || Connect();
    if (ok && cmd_) {
      for (const auto& [user, devices] : batch) {
        if (!(ok = Announce(user, devices))) break;
      }
      for (size_t i = 0; ok && i < routes.size(); ++i) {
        // "<user>\n<payload>": usernames never contain a newline.
        std::string msg = routes[i].user + "\n" + routes[i].payload;
        ok = RedisCommand(cmd_.get(), "PUBLISH %s %b", RouteChannel(routes[i].broker).c_str(),
                          msg.data(), msg.size())
                 .ok();
      }
      if (ok && std::chrono::steady_clock::now() >= next_beat) ok = Heartbeat();
    }
    if (!ok) {
      cmd_.reset();  // reconnect (and re-announce everything) at the next beat
      if (reachable_.exchange(false)) Log("redis unreachable, presence is local only");
    }
    if (std::chrono::steady_clock::now() >= next_beat) {
      next_beat = std::chrono::steady_clock::now() + heartbeat;
    }
    lock.Lock();
  }
  if (cmd_) {
    // Leaving cleanly: peers need not wait for the TTL.
    // Best effort: if these fail, peers fall back on the TTL.
    (void)RedisCommand(cmd_.get(), "DEL %s", LivenessKey(broker_id_).c_str());
    (void)RedisCommand(cmd_.get(), "DEL %s", UsersKey(broker_id_).c_str());
    for (const auto& [user, devices] : local_) {
      std::ostringstream msg;
      msg << broker_id_ << " 0 " << user;
      (void)RedisCommand(cmd_.get(), "PUBLISH %s %s", kChannel, msg.str().c_str());
    }
  }
}

bool ClusterBus::ReadSnapshot(redisContext* c) {
  auto members = RedisCommand(c, "SMEMBERS mqchat:brokers");
  if (!members.ok()) return false;
  for (size_t i = 0; i < (*members)->elements; ++i) {
    const int other = std::atoi((*members)->element[i]->str);
    if (other == broker_id_) continue;
    auto users = RedisCommand(c, "HGETALL %s", UsersKey(other).c_str());
    if (!users.ok()) return false;
    for (size_t j = 0; j + 1 < (*users)->elements; j += 2) {
      const std::string user((*users)->element[j]->str, (*users)->element[j]->len);
      const int devices = std::atoi((*users)->element[j + 1]->str);
      if (callbacks_.on_remote) callbacks_.on_remote(other, user, devices);
    }
  }
  return true;
}

void ClusterBus::RunSubscriber() {
  auto backoff = std::chrono::milliseconds(100);
  while (!stop_subscriber_) {
    auto conn = ConnectRedis(address_, kTimeoutMs);
    bool ok = conn.ok() &&
              RedisCommand(conn->get(), "SUBSCRIBE %s %s", kChannel,
                           RouteChannel(broker_id_).c_str())
                  .ok();
    // SUBSCRIBE to two channels answers twice; the second confirmation is skipped below.
    // Subscribed first, snapshot second: a change racing the snapshot is applied twice, which
    // is harmless because counts are absolute.
    if (ok) {
      auto snap = ConnectRedis(address_, kTimeoutMs);
      ok = snap.ok() && ReadSnapshot(snap->get());
    }
    if (!ok) {
      // Wait before retrying, but notice a stop request promptly.
      for (auto waited = std::chrono::milliseconds(0); waited < backoff && !stop_subscriber_;
           waited += std::chrono::milliseconds(50)) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      backoff = std::min(backoff * 2, std::chrono::milliseconds(2000));
      continue;
    }
    backoff = std::chrono::milliseconds(100);
    redisContext* c = conn->get();
    while (!stop_subscriber_) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(c, &raw) != REDIS_OK) break;
      if (raw == nullptr) {
        pollfd pfd{c->fd, POLLIN, 0};
        int n = ::poll(&pfd, 1, 200);  // bounded, so a stop request is seen
        if (n < 0) break;
        if (n > 0 && redisBufferRead(c) != REDIS_OK) break;
        continue;
      }
      RedisReplyPtr reply(static_cast<redisReply*>(raw));
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 3 ||
          std::string(reply->element[0]->str, reply->element[0]->len) != "message") {
        continue;
      }
      const std::string channel(reply->element[1]->str, reply->element[1]->len);
      if (channel != kChannel) {
        std::string body(reply->element[2]->str, reply->element[2]->len);
        size_t nl = body.find('\n');
        if (nl != std::string::npos && callbacks_.on_routed) {
          callbacks_.on_routed(body.substr(0, nl), body.substr(nl + 1));
        }
        continue;
      }
      std::istringstream in(std::string(reply->element[2]->str, reply->element[2]->len));
      int broker = -1, devices = 0;
      std::string user;
      if (!(in >> broker >> devices >> user) || broker == broker_id_) continue;
      if (callbacks_.on_remote) callbacks_.on_remote(broker, user, devices);
    }
  }
}

}  // namespace mqchat::presence
