#include "chat/send_limits.h"

#include <algorithm>
#include <cmath>

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
      checks(MakeBucket(send_rate)),
      pause_ms(send_rate.per_s > 0 ? static_cast<int64_t>(std::ceil(1000.0 / send_rate.per_s))
                                   : 0) {}

SendLimits::SendLimits(const SendLimitOptions& options)
    : service_users_(options.service_users),
      puback_refusal_(options.puback_refusal),
      people_(options.sends, options.fanout),
      services_(options.service_sends, options.service_fanout) {}

SendRate SendLimits::SendsOf(const std::string& user) const {
  return IsService(user) ? services_.send_rate : people_.send_rate;
}

namespace {

constexpr size_t kSweepAt = 100000;  // entries at once before the expired are dropped

// Once `until_by_key` holds kSweepAt entries, drops those whose time has passed.
void DropExpiredWhenLarge(std::unordered_map<std::string, int64_t>& until_by_key, int64_t now_ms) {
  if (until_by_key.size() < kSweepAt) return;
  for (auto it = until_by_key.begin(); it != until_by_key.end();) {
    it = it->second <= now_ms ? until_by_key.erase(it) : std::next(it);
  }
}

std::string ClientKey(const SendKey& send) { return send.user + '\n' + send.client_id; }

}  // namespace

int64_t SendLimits::Admit(const SendKey& send, int64_t deliveries, int64_t now_ms,
                          int64_t imposed_wait_ms) {
  if (int64_t wait = HeldBack(send, now_ms); wait > 0) {
    if (imposed_wait_ms == 0) CloseClient(send.client_id, now_ms + wait, now_ms);
    return std::max(wait, imposed_wait_ms);
  }
  const int64_t wait =
      imposed_wait_ms > 0 ? imposed_wait_ms : AdmitUser(send.user, deliveries, now_ms);
  if (wait > 0) {
    HoldBack(send, now_ms);
    // Not for slow mode: that wait is one conversation's, the client may send to others.
    if (imposed_wait_ms == 0) CloseClient(send.client_id, now_ms + wait, now_ms);
  } else {
    refused_.erase(ClientKey(send));
  }
  return wait;
}

int64_t SendLimits::HeldBack(const SendKey& send, int64_t now_ms) {
  auto it = refused_.find(ClientKey(send));
  if (it == refused_.end()) return 0;
  if (it->second.until_ms <= now_ms) {
    refused_.erase(it);
    return 0;
  }
  if (it->second.client_msg_id == send.client_msg_id) return 0;  // it is back: judged anew
  // Behind the refused one: the rest of the closed interval, or one interval.
  int64_t wait = TierOf(send.user).pause_ms;
  if (auto closed = closed_until_.find(send.user); closed != closed_until_.end()) {
    wait = std::max(wait, closed->second - now_ms);
  }
  return std::max<int64_t>(1, wait);
}

void SendLimits::HoldBack(const SendKey& send, int64_t now_ms) {
  if (refused_.size() >= kSweepAt) {
    for (auto it = refused_.begin(); it != refused_.end();) {
      it = it->second.until_ms <= now_ms ? refused_.erase(it) : std::next(it);
    }
  }
  // The earliest refused send keeps its place; its own refusal again extends the hold.
  auto [it, added] = refused_.try_emplace(ClientKey(send), Refused{send.client_msg_id, 0});
  if (added || it->second.client_msg_id == send.client_msg_id) {
    it->second.until_ms = now_ms + kHoldBackMs;
  }
}

int64_t SendLimits::AdmitUser(const std::string& user, int64_t deliveries, int64_t now_ms) {
  if (auto closed = closed_until_.find(user); closed != closed_until_.end()) {
    if (closed->second > now_ms) return closed->second - now_ms;
    closed_until_.erase(closed);
  }
  Tier& tier = TierOf(user);
  const double fanout_cost = static_cast<double>(std::max<int64_t>(1, deliveries));
  int64_t wait = 0;
  if (tier.sends) wait = tier.sends->WaitMs(user, 1, now_ms);
  if (tier.fanout) wait = std::max(wait, tier.fanout->WaitMs(user, fanout_cost, now_ms));
  if (wait > 0) {
    wait = std::max(wait, tier.pause_ms);
    Close(user, now_ms + wait, now_ms);
    return wait;
  }
  if (tier.sends) tier.sends->Charge(user, 1, now_ms);
  if (tier.fanout) tier.fanout->Charge(user, fanout_cost, now_ms);
  return 0;
}

void SendLimits::Close(const std::string& user, int64_t until_ms, int64_t now_ms) {
  DropExpiredWhenLarge(closed_until_, now_ms);
  closed_until_[user] = until_ms;
}

void SendLimits::CloseClient(const std::string& client_id, int64_t until_ms, int64_t now_ms) {
  if (!puback_refusal_ || client_id.empty()) return;
  DropExpiredWhenLarge(client_closed_until_, now_ms);
  int64_t& until = client_closed_until_[client_id];
  until = std::max(until, until_ms);
}

int64_t SendLimits::ClientClosedMs(const std::string& client_id, int64_t now_ms) {
  if (client_closed_until_.empty()) return 0;
  auto it = client_closed_until_.find(client_id);
  if (it == client_closed_until_.end()) return 0;
  if (it->second <= now_ms) {
    client_closed_until_.erase(it);
    return 0;
  }
  return it->second - now_ms;
}

bool SendLimits::AllowStoreCheck(const std::string& user, int64_t now_ms) {
  Tier& tier = TierOf(user);
  return !tier.checks || tier.checks->Allow(user, now_ms);
}

}  // namespace mqchat::chat
