#include "backoff.h"

#include <algorithm>
#include <memory>
#include <random>

namespace mqchat::sdk {

Backoff::Backoff(std::chrono::milliseconds min, std::chrono::milliseconds max, double multiplier,
                 Random random)
    : min_(std::max(min, std::chrono::milliseconds(1))),
      max_(std::max(max, min_)),
      multiplier_(std::max(multiplier, 1.0)),
      random_(std::move(random)) {
  if (!random_) {
    auto engine = std::make_shared<std::mt19937_64>(std::random_device{}());
    random_ = [engine] { return std::uniform_real_distribution<double>(0.0, 1.0)(*engine); };
  }
}

std::chrono::milliseconds Backoff::Next() {
  double ceiling = static_cast<double>(min_.count());
  for (int i = 0; i < attempt_ && ceiling < static_cast<double>(max_.count()); ++i) {
    ceiling *= multiplier_;
  }
  ceiling = std::min(ceiling, static_cast<double>(max_.count()));
  ++attempt_;
  const double r = std::clamp(random_(), 0.0, 1.0);
  const double delay = ceiling / 2 + r * ceiling / 2;
  return std::chrono::milliseconds(std::max<int64_t>(1, static_cast<int64_t>(delay)));
}

}  // namespace mqchat::sdk
