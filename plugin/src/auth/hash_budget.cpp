#include "auth/hash_budget.h"

#include <algorithm>
#include <string>

namespace mqchat::auth {
namespace {

const std::string kKey = "hash";

}  // namespace

HashBudget::HashBudget(int hashes_per_s, int duty_percent)
    : duty_percent_(std::clamp(duty_percent, 1, 100)),
      spacing_(std::max<int64_t>(1, 1000 / std::max(1, hashes_per_s)), 1) {}

bool HashBudget::TryTake(int64_t now_ms) {
  if (now_ms < not_before_ms_ || spacing_.AtLimit(kKey, 1, now_ms)) return false;
  spacing_.Add(kKey, now_ms);
  return true;
}

void HashBudget::Spent(int64_t start_ms, int64_t end_ms) {
  const int64_t took = std::max<int64_t>(0, end_ms - start_ms);
  not_before_ms_ = end_ms + took * (100 - duty_percent_) / duty_percent_;
}

}  // namespace mqchat::auth
