#include "chat/send_limits.h"

#include <algorithm>

namespace mqchat::chat {
namespace {

std::optional<RateLimiter> MakeBucket(SendRate rate) {
  if (rate.per_s <= 0) return std::nullopt;
  return RateLimiter(rate.per_s, std::max(1.0, rate.burst));
}

}  // namespace

SendLimits::Tier::Tier(SendRate send_rate, SendRate fanout_rate)
    : send_rate(send_rate),
      sends(MakeBucket(send_rate)),
      fanout(MakeBucket(fanout_rate)),
      checks(MakeBucket(send_rate)) {}

SendLimits::SendLimits(const SendLimitOptions& options)
    : service_users_(options.service_users),
      people_(options.sends, options.fanout),
      services_(options.service_sends, options.service_fanout) {}

SendRate SendLimits::SendsOf(const std::string& user) const {
  return IsService(user) ? services_.send_rate : people_.send_rate;
}

int64_t SendLimits::Admit(const std::string& user, int64_t deliveries, int64_t now_ms) {
  Tier& tier = TierOf(user);
  const double fanout_cost = static_cast<double>(std::max<int64_t>(1, deliveries));
  int64_t wait = 0;
  if (tier.sends) wait = tier.sends->WaitMs(user, 1, now_ms);
  if (tier.fanout) wait = std::max(wait, tier.fanout->WaitMs(user, fanout_cost, now_ms));
  if (wait > 0) return wait;
  if (tier.sends) tier.sends->Charge(user, 1, now_ms);
  if (tier.fanout) tier.fanout->Charge(user, fanout_cost, now_ms);
  return 0;
}

bool SendLimits::AllowStoreCheck(const std::string& user, int64_t now_ms) {
  Tier& tier = TierOf(user);
  return !tier.checks || tier.checks->Allow(user, now_ms);
}

}  // namespace mqchat::chat
