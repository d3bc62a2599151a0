// SlowMode: per-conversation slow mode on the send path (issue 24; protocol/slow_mode.h): when
// a conversation has one, each member (not its owners and admins) may send one message per
// interval. Decided on the broker thread, before a send is queued for the writer, from the
// setting the membership cache carries (chat/membership_cache.h, loaded with the members; a
// set_slow_mode raises members_version, so the next fan-out on any broker reloads it) and the
// time of each member's last admitted message here. A send too soon is refused by the caller
// with RATE_LIMITED and the rest of the interval (held back like any refused send,
// chat/send_limits.h, so later sends of the client do not overtake it). This is the broker's
// early answer only: the store decides under the conversation's lock from the sender's last
// stored message (store/append_plan.h; its time kept with the resend keys, migration 028), so the
// interval holds across brokers, and its refusal comes back here (Refused). Broker thread only.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "store/chat_store.h"

namespace mqchat::chat {

class SlowMode {
 public:
  // The wait (ms) before `user` may send into `id` whose slow mode is `interval_ms`: 0 if now.
  int64_t WaitMs(store::ConversationId id, const std::string& user, int64_t interval_ms,
                 int64_t now_ms) const;
  // Records an admitted message: `user`'s next one into `id` waits `interval_ms` from now.
  void Sent(store::ConversationId id, const std::string& user, int64_t interval_ms, int64_t now_ms);
  // The store refused `user`'s message into `id` for slow mode (a message of theirs came through
  // another broker): their next one here waits `wait_ms` from now, the store's answer.
  void Refused(store::ConversationId id, const std::string& user, int64_t wait_ms,
               int64_t now_ms) {
    next_ms_[Key(id, user)] = now_ms + wait_ms;
  }

  size_t size() const { return next_ms_.size(); }

 private:
  static std::string Key(store::ConversationId id, const std::string& user) {
    return std::to_string(id) + '\n' + user;
  }
  // By conversation and user: when (monotonic ms) the next message may be sent; entries in the
  // past are dropped when the map grows large.
  std::unordered_map<std::string, int64_t> next_ms_;
};

}  // namespace mqchat::chat
