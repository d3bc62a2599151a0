#include "auth/hash_budget.h"

#include <algorithm>
#include <string>

namespace mqchat::auth {
namespace {

const std::string kKey = "hash";

}  // namespace

HashBudget::HashBudget(int hashes_per_s)
    : spacing_(std::max<int64_t>(1, 1000 / std::max(1, hashes_per_s)), 1) {}

bool HashBudget::TryTake(int64_t now_ms) {
  if (spacing_.AtLimit(kKey, 1, now_ms)) return false;
  spacing_.Add(kKey, now_ms);
  return true;
}

}  // namespace mqchat::auth
