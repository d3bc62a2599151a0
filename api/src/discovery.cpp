#include "discovery.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <utility>

#include "presence/cluster_keys.h"

namespace mqchat::api {
namespace {
namespace field = protocol::http::field;

constexpr int kRedisTimeoutMs = 500;

std::vector<std::string> SplitUrls(const std::string& value) {
  std::vector<std::string> urls;
  std::istringstream in(value);
  for (std::string url; in >> url;) urls.push_back(url);
  return urls;
}

}  // namespace

nlohmann::json RankBrokers(std::vector<LiveBroker> brokers) {
  std::sort(brokers.begin(), brokers.end(), [](const LiveBroker& a, const LiveBroker& b) {
    return a.devices != b.devices ? a.devices < b.devices : a.id < b.id;
  });
  nlohmann::json out = nlohmann::json::array();
  for (const auto& broker : brokers) {
    for (const auto& url : broker.urls) {
      out.push_back({{std::string(field::kUrl), url},
                     {std::string(field::kBroker), broker.id},
                     {std::string(field::kConnectedDevices), broker.devices}});
    }
  }
  return out;
}

BrokerDiscovery::BrokerDiscovery(std::optional<presence::RedisAddress> redis,
                                 std::vector<std::string> static_urls, int cache_ms,
                                 std::function<int64_t()> now_ms)
    : redis_address_(std::move(redis)),
      static_urls_(std::move(static_urls)),
      cache_ms_(cache_ms),
      now_ms_(std::move(now_ms)) {}

nlohmann::json BrokerDiscovery::StaticList() const {
  nlohmann::json brokers = nlohmann::json::array();
  for (const auto& url : static_urls_) brokers.push_back({{std::string(field::kUrl), url}});
  return brokers;
}

Result<std::vector<LiveBroker>> BrokerDiscovery::ReadLive() const {
  using presence::RedisCommand;
  if (!redis_) {
    auto connected = presence::ConnectRedis(*redis_address_, kRedisTimeoutMs);
    if (!connected.ok()) return connected.status();
    redis_ = std::move(*connected);
  }
  redisContext* c = redis_.get();
  std::vector<LiveBroker> live;
  Status failed = Status::Ok();
  auto members = RedisCommand(c, "SMEMBERS %s", presence::kBrokersKey);
  if (!members.ok()) failed = members.status();
  for (size_t i = 0; failed.ok() && i < (*members)->elements; ++i) {
    LiveBroker broker;
    broker.id = std::atoi((*members)->element[i]->str);
    auto urls = RedisCommand(c, "GET %s", presence::LivenessKey(broker.id).c_str());
    auto users = RedisCommand(c, "HVALS %s", presence::UsersKey(broker.id).c_str());
    if (!urls.ok() || !users.ok()) {
      failed = !urls.ok() ? urls.status() : users.status();
      break;
    }
    if ((*urls)->type != REDIS_REPLY_STRING) continue;  // lapsed: the broker is gone
    broker.urls = SplitUrls((*urls)->str);
    if (broker.urls.size() == 1 && broker.urls[0] == presence::kNoAdvertisedUrls) continue;
    for (size_t j = 0; j < (*users)->elements; ++j) {
      broker.devices += std::atoll((*users)->element[j]->str);
    }
    if (!broker.urls.empty()) live.push_back(std::move(broker));
  }
  if (!failed.ok()) {
    redis_.reset();  // reconnect on the next read
    return failed;
  }
  return live;
}

ApiResponse BrokerDiscovery::Handle() const {
  MutexLock lock(mu_);
  const int64_t now = now_ms_();
  if (!has_cached_ || now - cached_at_ms_ >= cache_ms_) {
    nlohmann::json brokers;
    if (redis_address_) {
      auto live = ReadLive();
      if (!live.ok() && !redis_failing_) {  // once per outage
        std::cerr << "mqchat-api: discovery: redis: " << live.status().message()
                  << " (answering with the configured brokers until it is back)\n";
      }
      redis_failing_ = !live.ok();
      if (live.ok() && !live->empty()) {
        brokers = RankBrokers(std::move(*live));
      }
    }
    cached_ = brokers.is_null() ? StaticList() : std::move(brokers);
    cached_at_ms_ = now;
    has_cached_ = true;
  }
  return JsonResponse(200, {{std::string(field::kBrokers), cached_}});
}

}  // namespace mqchat::api
