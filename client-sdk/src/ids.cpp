#include "ids.h"

#include <array>

namespace mqchat::sdk {
namespace {

std::string HexDigits(uint64_t value, int digits) {
  static const char* kHex = "0123456789abcdef";
  std::string out(static_cast<size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i, value >>= 4) out[static_cast<size_t>(i)] = kHex[value & 0xf];
  return out;
}

}  // namespace

IdGenerator::IdGenerator() {
  std::random_device device;
  std::seed_seq seed{device(), device(), device(), device()};
  rng_.seed(seed);
  instance_ = HexDigits(rng_(), 8);
}

std::string IdGenerator::ClientMsgId(int64_t now_ms) {
  MutexLock lock(mu_);
  return "m" + HexDigits(static_cast<uint64_t>(now_ms), 13) + HexDigits(rng_(), 16);
}

std::string IdGenerator::ReqId() {
  MutexLock lock(mu_);
  return "r" + std::to_string(++counter_) + "-" + instance_;
}

}  // namespace mqchat::sdk
