#include "chat/slow_mode.h"

#include <algorithm>
#include <iterator>

namespace mqchat::chat {
namespace {

constexpr size_t kSweepAt = 100000;  // entries at once before the passed ones are dropped

}  // namespace

int64_t SlowMode::WaitMs(store::ConversationId id, const std::string& user, int64_t interval_ms,
                         int64_t now_ms) const {
  if (interval_ms <= 0) return 0;
  auto it = next_ms_.find(Key(id, user));
  if (it == next_ms_.end()) return 0;
  // A shorter interval set meanwhile applies at once: the wait never exceeds the interval.
  const int64_t wait = std::min(it->second - now_ms, interval_ms);
  return wait > 0 ? wait : 0;
}

void SlowMode::Sent(store::ConversationId id, const std::string& user, int64_t interval_ms,
                    int64_t now_ms) {
  if (interval_ms <= 0) return;
  if (next_ms_.size() >= kSweepAt) {
    for (auto it = next_ms_.begin(); it != next_ms_.end();) {
      it = it->second <= now_ms ? next_ms_.erase(it) : std::next(it);
    }
  }
  next_ms_[Key(id, user)] = now_ms + interval_ms;
}

}  // namespace mqchat::chat
