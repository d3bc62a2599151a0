#include "request_gate.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iterator>

#include "auth/network_prefix.h"

namespace mqchat::api {
namespace {

// Buckets kept before the full ones (the same as unknown keys) are swept.
constexpr size_t kSweepAbove = 50000;

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int64_t RequestGate::Buckets::Take(const std::string& key, int64_t now_ms) {
  if (buckets_.size() > kSweepAbove && now_ms - last_sweep_ms_ >= 1000) {
    last_sweep_ms_ = now_ms;
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      const double refilled = it->second.tokens + (now_ms - it->second.at_ms) * rate_per_ms_;
      it = refilled >= burst_ ? buckets_.erase(it) : std::next(it);
    }
  }
  auto [it, fresh] = buckets_.try_emplace(key, Bucket{burst_, now_ms});
  Bucket& b = it->second;
  if (!fresh) {
    b.tokens = std::min(burst_, b.tokens + std::max<int64_t>(0, now_ms - b.at_ms) * rate_per_ms_);
    b.at_ms = now_ms;
  }
  const bool admitted = b.tokens >= 1;
  // A refused request is counted as well, down to one burst of debt.
  b.tokens = std::max(-burst_, b.tokens - 1);
  if (admitted) return 0;
  return std::max<int64_t>(1, static_cast<int64_t>(std::ceil((1 - b.tokens) / rate_per_ms_)));
}

RequestGate::RequestGate(const RequestGateConfig& config, std::function<int64_t()> now_ms)
    : config_(config),
      now_ms_(now_ms ? std::move(now_ms) : SteadyNowMs),
      by_address_(config.rate_per_address, config.burst_per_address),
      by_prefix_(config.rate_per_prefix, config.burst_per_prefix) {}

bool RequestGate::OpenConnection() {
  MutexLock lock(mu_);
  return ++connections_ <= config_.max_connections;
}

void RequestGate::CloseConnection() {
  MutexLock lock(mu_);
  --connections_;
}

int RequestGate::connections() {
  MutexLock lock(mu_);
  return connections_;
}

bool RequestGate::BindAddress(const std::string& address) {
  if (config_.max_connections_per_address <= 0) return true;
  MutexLock lock(mu_);
  int& open = address_connections_[address];
  if (open >= config_.max_connections_per_address) return false;
  ++open;
  return true;
}

void RequestGate::ReleaseAddress(const std::string& address) {
  if (config_.max_connections_per_address <= 0) return;
  MutexLock lock(mu_);
  auto it = address_connections_.find(address);
  if (it != address_connections_.end() && --it->second <= 0) address_connections_.erase(it);
}

int RequestGate::RequestWaitS(const std::string& address) {
  const bool per_address = config_.rate_per_address > 0;
  const bool per_prefix = config_.rate_per_prefix > 0;
  if (!per_address && !per_prefix) return 0;
  const std::string prefix = auth::NetworkPrefix(address);
  const int64_t now_ms = now_ms_();
  int64_t wait_ms = 0;
  {
    MutexLock lock(mu_);
    if (per_address) wait_ms = by_address_.Take(address, now_ms);
    // The network is charged only for what its address let through: one address hammering
    // does not put its neighbours' budget into debt.
    if (wait_ms == 0 && per_prefix) wait_ms = by_prefix_.Take(prefix, now_ms);
  }
  return static_cast<int>((wait_ms + 999) / 1000);
}

}  // namespace mqchat::api
