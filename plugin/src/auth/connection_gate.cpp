#include "auth/connection_gate.h"

namespace mqchat::auth {
namespace {

constexpr int64_t kWindowMs = 1000;
const std::string kTotalKey = "*";

}  // namespace

ConnectionGate::ConnectionGate(int per_address_per_s, int total_per_s, size_t max_addresses)
    : per_address_(per_address_per_s),
      total_(total_per_s),
      by_address_(kWindowMs, max_addresses),
      total_count_(kWindowMs, 1) {}

bool ConnectionGate::Admit(std::string_view address, int64_t now_ms) {
  bool admitted = true;
  if (total_ > 0) {
    if (total_count_.AtLimit(kTotalKey, total_, now_ms)) admitted = false;
    total_count_.Add(kTotalKey, now_ms);
  }
  if (per_address_ > 0) {
    const std::string key(address);
    if (by_address_.AtLimit(key, per_address_, now_ms)) admitted = false;
    by_address_.Add(key, now_ms);
  }
  return admitted;
}

}  // namespace mqchat::auth
