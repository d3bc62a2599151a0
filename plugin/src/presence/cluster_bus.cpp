#include "presence/cluster_bus.h"

#include <poll.h>

#include <cstdlib>

#include "metrics/instruments.h"
#include "presence/bus_messages.h"
#include "presence/channel_bus_messages.h"
#include "presence/cluster_keys.h"

namespace mqchat::presence {
namespace {

constexpr const char* kChannel = "mqchat:presence";
constexpr const char* kMembersChannel = "mqchat:members";
constexpr const char* kBlocksChannel = "mqchat:blocks";
constexpr const char* kCommunitiesChannel = "mqchat:communities";
constexpr const char* kChannelsChannel = "mqchat:channels";
constexpr int kTimeoutMs = 1000;

std::string RouteChannel(int broker) { return "mqchat:route:" + std::to_string(broker); }

}  // namespace

ClusterBus::ClusterBus(RedisAddress address, int broker_id, int ttl_s, std::string advertise_urls,
                       Callbacks callbacks)
    : address_(std::move(address)),
      broker_id_(broker_id),
      ttl_s_(ttl_s),
      liveness_value_(advertise_urls.empty() ? kNoAdvertisedUrls : std::move(advertise_urls)),
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

void ClusterBus::ShareMembers(const std::vector<std::string>& members) {
  {
    MutexLock lock(mu_);
    outgoing_.push_back(Outgoing{kMembersChannel, EncodeMembers(broker_id_, members)});
  }
  cv_.NotifyOne();
}

void ClusterBus::ShareBlock(const std::string& blocker, const std::string& target,
                            bool blocked) {
  {
    MutexLock lock(mu_);
    outgoing_.push_back(Outgoing{kBlocksChannel, EncodeBlock(broker_id_, blocker, target, blocked)});
  }
  cv_.NotifyOne();
}

void ClusterBus::ShareCommunityChange(int64_t server_id, const std::string& user) {
  {
    MutexLock lock(mu_);
    outgoing_.push_back(
        Outgoing{kCommunitiesChannel, EncodeCommunityChange(broker_id_, server_id, user)});
  }
  cv_.NotifyOne();
}

void ClusterBus::ShareChannelMessage(int64_t channel_id, const std::string& payload, int qos) {
  {
    MutexLock lock(mu_);
    outgoing_.push_back(
        Outgoing{kChannelsChannel, EncodeChannelMessage(broker_id_, channel_id, payload, qos)});
  }
  cv_.NotifyOne();
}

void ClusterBus::Route(int broker, const std::string& user, const std::string& payload) {
  {
    MutexLock lock(mu_);
    // "<user>\n<payload>": usernames never contain a newline.
    outgoing_.push_back(Outgoing{RouteChannel(broker), user + "\n" + payload, true});
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
  connected_at_ = std::chrono::steady_clock::now();
  // Fresh connection (first, or after an outage): peers may hold a stale picture of this
  // broker, and Redis may have lost everything. Publish the whole state.
  if (!PublishState()) return false;
  cmd_up_ = true;
  if (!reachable_.exchange(true)) {
    metrics::Get().bus_reconnects.Inc();
    Log("redis reachable again, presence is shared");
  }
  return true;
}

bool ClusterBus::PublishState() {
  // One transaction: a peer reading the hash sees the old state or the new one, never the
  // hash emptied but not yet refilled.
  redisContext* c = cmd_.get();
  const std::string key = UsersKey(broker_id_);
  const std::string me = std::to_string(broker_id_);
  const std::string state = EncodeBrokerState(broker_id_, local_);
  bool ok = RedisCommand(c, "MULTI").ok() && RedisCommand(c, "DEL %s", key.c_str()).ok();
  for (auto it = local_.begin(); ok && it != local_.end(); ++it) {
    ok = RedisCommand(c, "HSET %s %s %d", key.c_str(), it->first.c_str(), it->second).ok();
  }
  ok = ok && RedisCommand(c, "EXPIRE %s %d", key.c_str(), ttl_s_ * 3).ok() &&
       RedisCommand(c, "SET %s %s EX %d", LivenessKey(broker_id_).c_str(),
                    liveness_value_.c_str(), ttl_s_).ok() &&
       RedisCommand(c, "SADD %s %s", kBrokersKey, me.c_str()).ok() &&
       RedisCommand(c, "PUBLISH %s %b", kChannel, state.data(), state.size()).ok();
  return ok && RedisCommand(c, "EXEC").ok();
}

bool ClusterBus::Announce(const std::string& user, int devices) {
  redisContext* c = cmd_.get();
  const std::string key = UsersKey(broker_id_);
  auto r = devices > 0 ? RedisCommand(c, "HSET %s %s %d", key.c_str(), user.c_str(), devices)
                       : RedisCommand(c, "HDEL %s %s", key.c_str(), user.c_str());
  if (!r.ok()) return false;
  const std::string msg = EncodeDeviceCount(broker_id_, user, devices);
  return RedisCommand(c, "PUBLISH %s %b", kChannel, msg.data(), msg.size()).ok();
}

bool ClusterBus::Heartbeat() {
  redisContext* c = cmd_.get();
  const std::string me = std::to_string(broker_id_);
  if (!RedisCommand(c, "SET %s %s EX %d", LivenessKey(broker_id_).c_str(),
                    liveness_value_.c_str(), ttl_s_).ok() ||
      !RedisCommand(c, "SADD %s %s", kBrokersKey, me.c_str()).ok() ||
      !RedisCommand(c, "EXPIRE %s %d", UsersKey(broker_id_).c_str(), ttl_s_ * 3).ok()) {
    return false;
  }
  return ReapDeadPeers();
}

bool ClusterBus::ReapDeadPeers() {
  // Right after a (re)connection a live peer may not have refreshed its key yet (Redis may
  // have restarted empty): give every peer one TTL to do so.
  if (std::chrono::steady_clock::now() - connected_at_ < std::chrono::seconds(ttl_s_)) {
    return true;
  }
  std::set<int> candidates;
  {
    MutexLock lock(mu_);
    candidates = peers_;
  }
  // The shared set too: brokers this one never heard from may have died with a state.
  auto members = RedisCommand(cmd_.get(), "SMEMBERS %s", kBrokersKey);
  if (!members.ok()) return false;
  for (size_t i = 0; i < (*members)->elements; ++i) {
    candidates.insert(std::atoi((*members)->element[i]->str));
  }
  candidates.erase(broker_id_);
  for (int other : candidates) {
    auto alive = RedisCommand(cmd_.get(), "EXISTS %s", LivenessKey(other).c_str());
    if (!alive.ok()) return false;
    if ((*alive)->integer != 0) continue;
    {
      MutexLock lock(mu_);
      peers_.erase(other);
    }
    // Every survivor reports it, whoever cleans the shared keys first.
    if (callbacks_.on_broker_gone) callbacks_.on_broker_gone(other);
    // Best effort: several survivors may be cleaning up the same broker.
    (void)RedisCommand(cmd_.get(), "SREM %s %d", kBrokersKey, other);
    (void)RedisCommand(cmd_.get(), "DEL %s", UsersKey(other).c_str());
  }
  return true;
}

// The command thread's loop: batches changes and outgoing messages, and beats. Its length is
// the batching, the reconnection and the goodbye, kept together to show one lifecycle.
void ClusterBus::RunCommands() {
  const auto heartbeat = std::chrono::milliseconds(std::max(1, ttl_s_) * 1000 / 3);
  auto next_beat = std::chrono::steady_clock::now();
  MutexLock lock(mu_);
  while (!stopping_) {
    while (!stopping_ && dirty_.empty() && outgoing_.empty() && cv_.WaitUntil(mu_, next_beat)) {
    }
    if (stopping_) break;
    std::map<std::string, int> batch;
    batch.swap(dirty_);
    std::vector<Outgoing> outgoing;
    outgoing.swap(outgoing_);
    lock.Unlock();
    for (const auto& [user, devices] : batch) {
      if (devices > 0) {
        local_[user] = devices;
      } else {
        local_.erase(user);
      }
    }
    const bool fresh = cmd_ == nullptr;
    bool ok = cmd_ != nullptr || Connect();
    if (ok && !fresh) {  // a fresh connection published the whole state already
      for (const auto& [user, devices] : batch) {
        if (!(ok = Announce(user, devices))) break;
      }
    }
    for (size_t i = 0; ok && i < outgoing.size(); ++i) {
      ok = RedisCommand(cmd_.get(), "PUBLISH %s %b", outgoing[i].channel.c_str(),
                        outgoing[i].payload.data(), outgoing[i].payload.size())
               .ok();
      if (ok && outgoing[i].routed) metrics::Get().routed_sent.Inc();
    }
    const auto now = std::chrono::steady_clock::now();
    if (ok && now >= next_beat) ok = Heartbeat();
    if (!ok) {
      cmd_up_ = false;
      cmd_.reset();  // reconnect (and publish the whole state) soon
      if (reachable_.exchange(false)) Log("redis unreachable, presence is local only");
      next_beat = now + std::chrono::milliseconds(kReconnectMs);
    } else if (now >= next_beat) {
      next_beat = now + heartbeat;
    }
    lock.Lock();
  }
  if (cmd_) {
    // Leaving cleanly: peers need not wait for the TTL. Best effort: if these fail, peers
    // fall back on the TTL.
    (void)RedisCommand(cmd_.get(), "DEL %s", LivenessKey(broker_id_).c_str());
    (void)RedisCommand(cmd_.get(), "DEL %s", UsersKey(broker_id_).c_str());
    const std::string none = EncodeBrokerState(broker_id_, {});
    (void)RedisCommand(cmd_.get(), "PUBLISH %s %b", kChannel, none.data(), none.size());
  }
}

bool ClusterBus::ReadSnapshot(redisContext* c) {
  auto members = RedisCommand(c, "SMEMBERS %s", kBrokersKey);
  if (!members.ok()) return false;
  for (size_t i = 0; i < (*members)->elements; ++i) {
    const int other = std::atoi((*members)->element[i]->str);
    if (other == broker_id_) continue;
    auto users = RedisCommand(c, "HGETALL %s", UsersKey(other).c_str());
    if (!users.ok()) return false;
    std::map<std::string, int> state;
    for (size_t j = 0; j + 1 < (*users)->elements; j += 2) {
      const std::string user((*users)->element[j]->str, (*users)->element[j]->len);
      const int devices = std::atoi((*users)->element[j + 1]->str);
      if (devices > 0) state[user] = devices;
    }
    // The hash is the broker's whole state (written in one transaction): users missing from
    // it, e.g. who left while Redis was down, have no device there.
    HeardOf(other);
    if (callbacks_.on_broker_state) callbacks_.on_broker_state(other, std::move(state));
  }
  return true;
}

void ClusterBus::HeardOf(int broker) {
  MutexLock lock(mu_);
  peers_.insert(broker);
}

void ClusterBus::Dispatch(const std::string& channel, std::string body) {
  if (channel == kChannel) {
    auto msg = DecodeBusPresence(body);
    if (!msg) return;
    const int broker = msg->count ? msg->count->broker : msg->state->broker;
    if (broker == broker_id_) return;
    HeardOf(broker);
    if (msg->count && callbacks_.on_remote) {
      callbacks_.on_remote(broker, msg->count->user, msg->count->devices);
    } else if (msg->state && callbacks_.on_broker_state) {
      callbacks_.on_broker_state(broker, std::move(msg->state->users));
    }
  } else if (channel == kMembersChannel) {
    auto msg = DecodeMembers(body);
    if (msg && msg->broker != broker_id_ && callbacks_.on_members) {
      callbacks_.on_members(std::move(msg->members));
    }
  } else if (channel == kBlocksChannel) {
    auto msg = DecodeBlock(body);
    if (msg && msg->broker != broker_id_ && callbacks_.on_block) {
      callbacks_.on_block(msg->blocker, msg->target, msg->blocked);
    }
  } else if (channel == kCommunitiesChannel) {
    auto msg = DecodeCommunityChange(body);
    if (msg && msg->broker != broker_id_ && callbacks_.on_community_change) {
      callbacks_.on_community_change(msg->server_id, msg->user);
    }
  } else if (channel == kChannelsChannel) {
    auto msg = DecodeChannelMessage(body);
    if (msg && msg->broker != broker_id_ && callbacks_.on_channel_message) {
      callbacks_.on_channel_message(msg->channel_id, std::move(msg->payload), msg->qos);
    }
  } else {
    const size_t nl = body.find('\n');
    if (nl != std::string::npos && callbacks_.on_routed) {
      metrics::Get().routed_received.Inc();
      callbacks_.on_routed(body.substr(0, nl), body.substr(nl + 1));
    }
  }
}

void ClusterBus::RunSubscriber() {
  while (!stop_subscriber_) {
    auto conn = ConnectRedis(address_, kTimeoutMs);
    bool ok = conn.ok() && RedisCommand(conn->get(), "SUBSCRIBE %s %s %s %s %s %s", kChannel,
                                        kMembersChannel, kBlocksChannel, kCommunitiesChannel,
                                        kChannelsChannel, RouteChannel(broker_id_).c_str())
                               .ok();
    // SUBSCRIBE to six channels answers six times; the later confirmations are skipped
    // below. Subscribed first, snapshot second: a change racing the snapshot is applied again
    // after it, which is harmless because counts and states are absolute.
    if (ok) {
      auto snap = ConnectRedis(address_, kTimeoutMs);
      ok = snap.ok() && ReadSnapshot(snap->get());
    }
    if (!ok) {
      // Wait before retrying, but notice a stop request promptly.
      for (int waited = 0; waited < kReconnectMs && !stop_subscriber_; waited += 50) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      continue;
    }
    redisContext* c = conn->get();
    sub_up_ = true;
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
      Dispatch(std::string(reply->element[1]->str, reply->element[1]->len),
               std::string(reply->element[2]->str, reply->element[2]->len));
    }
    sub_up_ = false;
  }
}

}  // namespace mqchat::presence
