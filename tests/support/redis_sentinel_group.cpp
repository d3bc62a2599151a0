#include "support/redis_sentinel_group.h"

#include <gtest/gtest.h>

#include "support/wait_for.h"

namespace mqchat::test {
namespace {

constexpr std::chrono::seconds kReadyTimeout{20};

// The port in a SENTINEL get-master-addr-by-name answer (0 if none).
int PortOf(const std::optional<RedisReply>& reply) {
  if (!reply || reply->type != RedisReply::Type::kArray || reply->elements.size() != 2) return 0;
  return std::atoi(reply->elements[1].str.c_str());
}

}  // namespace

bool RedisSentinelGroup::Start() {
  master_ = std::make_unique<RedisInstance>();
  if (!master_->Start()) return false;
  replica_ = std::make_unique<RedisInstance>();
  replica_->SetExtraArgs({"--replicaof", "127.0.0.1", std::to_string(master_->port())});
  if (!replica_->Start()) return false;
  // Sentinels learn replicas from the master's INFO, which they ask for at once and then every
  // 10 s: started before the replica is linked, they may wait that long to know it.
  if (!WaitFor([this] { return ReplicaLinked(); }, kReadyTimeout,
               "the replica to link to the master")) {
    return false;
  }
  const std::string name = kMasterName;
  for (int i = 0; i < kSentinels; ++i) {
    auto sentinel = std::make_unique<RedisInstance>();
    sentinel->SetSentinelConfig(
        "sentinel monitor " + name + " 127.0.0.1 " + std::to_string(master_->port()) + " 2\n" +
        "sentinel down-after-milliseconds " + name + " 1000\n" +
        "sentinel failover-timeout " + name + " 5000\n" +
        "sentinel parallel-syncs " + name + " 1\n");
    if (!sentinel->Start()) return false;
    sentinels_.push_back(std::move(sentinel));
  }
  return WaitFor([this] { return Ready(); }, kReadyTimeout,
                 "the sentinels to know the replica and each other");
}

bool RedisSentinelGroup::ReplicaLinked() {
  auto link = replica_->Command({"INFO", "replication"});
  return link && link->str.find("master_link_status:up") != std::string::npos;
}

bool RedisSentinelGroup::Ready() {
  if (!ReplicaLinked()) return false;
  for (auto& s : sentinels_) {
    auto replicas = s->Command({"SENTINEL", "replicas", kMasterName});
    auto peers = s->Command({"SENTINEL", "sentinels", kMasterName});
    if (!replicas || replicas->elements.empty()) return false;
    if (!peers || peers->elements.size() + 1 < static_cast<size_t>(kSentinels)) return false;
  }
  return true;
}

std::string RedisSentinelGroup::SentinelList() const {
  std::string out;
  for (const auto& s : sentinels_) {
    if (!out.empty()) out += ",";
    out += "127.0.0.1:" + std::to_string(s->port());
  }
  return out;
}

int RedisSentinelGroup::MasterPort() {
  for (auto& s : sentinels_) {
    const int port = PortOf(s->Command({"SENTINEL", "get-master-addr-by-name", kMasterName}));
    if (port != 0) return port;
  }
  return 0;
}

bool RedisSentinelGroup::WaitPromoted(int old_port, std::chrono::milliseconds timeout) {
  return WaitFor(
      [&] {
        int port = 0;
        for (auto& s : sentinels_) {
          const int named = PortOf(s->Command({"SENTINEL", "get-master-addr-by-name", kMasterName}));
          if (named == 0 || named == old_port || (port != 0 && named != port)) return false;
          port = named;
        }
        RedisInstance& promoted = port == replica_->port() ? *replica_ : *master_;
        auto role = promoted.Command({"ROLE"});
        return role && !role->elements.empty() && role->elements[0].str == "master";
      },
      timeout, "the sentinels to promote the replica");
}

}  // namespace mqchat::test
