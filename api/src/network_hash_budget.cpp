#include "network_hash_budget.h"

namespace mqchat::api {
namespace {

// Networks whose bucket is kept at once; full buckets (the same as unknown ones) go first.
constexpr size_t kMaxNetworks = 100000;
// A concurrent refusal: a hash of the network should be done by then.
constexpr int64_t kBusyRetryMs = 1000;

}  // namespace

NetworkHashBudget::NetworkHashBudget(NetworkHashLimits limits) : limits_(limits) {
  if (limits_.rate_per_s > 0) rates_.emplace(limits_.rate_per_s, limits_.burst, kMaxNetworks);
}

std::optional<NetworkHashBudget::Refusal> NetworkHashBudget::Take(const std::string& network,
                                                                  int64_t now_ms) {
  if (network.empty()) return std::nullopt;
  auto it = in_flight_.find(network);
  const int running = it == in_flight_.end() ? 0 : it->second;
  if (limits_.concurrent > 0 && running >= limits_.concurrent) {
    return Refusal{false, kBusyRetryMs};  // checked first, so it costs no token
  }
  if (rates_) {
    if (int64_t wait_ms = rates_->Take(network, 1, now_ms); wait_ms > 0) {
      return Refusal{true, wait_ms};
    }
  }
  ++in_flight_[network];
  return std::nullopt;
}

void NetworkHashBudget::Release(const std::string& network) {
  if (network.empty()) return;
  auto it = in_flight_.find(network);
  if (it != in_flight_.end() && --it->second <= 0) in_flight_.erase(it);
}

int NetworkHashBudget::InFlight(const std::string& network) const {
  auto it = in_flight_.find(network);
  return it == in_flight_.end() ? 0 : it->second;
}

}  // namespace mqchat::api
