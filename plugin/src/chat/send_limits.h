// SendLimits: how fast each user may send, decided on the broker thread before a send is
// queued for the writer. Two token buckets per user (util/rate_limiter.h): messages (a
// sustained rate and a burst) and fan-out (deliveries: each message costs the number of members
// of its conversation, so a message to a 1,000-member group costs 1,000). A send is admitted
// only if both buckets allow it, and then charged to both. Users named in `service_users`
// (application backends, bots) have limits of their own. A rate of 0 turns that bucket off.
// Over the limit the caller answers RATE_LIMITED with the wait; a refused send may still be
// checked against the store (an idempotent resend of a stored message gets its original ack),
// within a budget of its own so that the checks of a client that ignores the wait stay bounded.
// A refusal closes the user's sends for at least one message interval (1 / the message rate):
// sends a client already has in flight behind the refused one are refused too, rather than
// taking a token that refilled a moment later and overtaking it (the SDK and web outboxes then
// resend them all in order). A refusal also holds back the same client's later sends, whatever
// the time, until the refused message comes back and is admitted (or kHoldBackMs pass): a send
// in flight behind it may reach the broker after the closed interval, when a slow store delayed
// the refusal and an earlier ack let the client's window grow, and would be stored first.
// Broker thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "util/rate_limiter.h"

namespace mqchat::chat {

struct SendRate {
  double per_s = 0;  // 0: unlimited
  double burst = 0;
};

struct SendLimitOptions {
  SendRate sends{5, 20};         // messages per user
  SendRate fanout{2000, 10000};  // deliveries (messages x members) per user
  SendRate service_sends{200, 1000};
  SendRate service_fanout{200000, 400000};
  std::unordered_set<std::string> service_users;
  // After a refusal with a wait, the client's further sends before the wait has passed are
  // refused in the broker's ACL check (MQTT 5 PUBACK 0x87, no JSON answer): ClientClosedMs.
  bool puback_refusal = false;
};

// One send, for Admit: who sends it, from which client, and its idempotency key.
struct SendKey {
  std::string user;
  std::string client_id;
  std::string client_msg_id;
};

class SendLimits {
 public:
  // How long a refused send holds back its client's later sends at most (a client that drops
  // it rather than resending it is not held back for ever).
  static constexpr int64_t kHoldBackMs = 10000;

  explicit SendLimits(const SendLimitOptions& options);

  // Admits one message reaching `deliveries` inboxes at `now_ms` (monotonic): 0 if admitted
  // (then charged), else the milliseconds until it would be (nothing is charged).
  // `imposed_wait_ms` > 0 (a conversation's slow mode, chat/slow_mode.h) refuses the send with
  // that wait (or a longer one) without looking at the buckets; it holds back the client's
  // later sends like any refusal.
  int64_t Admit(const SendKey& send, int64_t deliveries, int64_t now_ms,
                int64_t imposed_wait_ms = 0);
  // Whether a refused send may still be looked up in the store (one per message token).
  bool AllowStoreCheck(const std::string& user, int64_t now_ms);

  // How long `client_id`'s sends stay closed after its last refusal by the buckets (or behind
  // a refused send), in ms; 0 if open. O(1), no allocation (the broker's ACL check).
  int64_t ClientClosedMs(const std::string& client_id, int64_t now_ms);
  bool puback_refusal() const { return puback_refusal_; }

  bool IsService(const std::string& user) const { return service_users_.count(user) > 0; }
  // The user's message limit, for error messages.
  SendRate SendsOf(const std::string& user) const;

 private:
  struct Tier {
    Tier(SendRate sends, SendRate fanout);
    SendRate send_rate;
    std::optional<RateLimiter> sends;   // nullopt: unlimited
    std::optional<RateLimiter> fanout;  // nullopt: unlimited
    std::optional<RateLimiter> checks;  // store checks of refused sends
    int64_t pause_ms = 0;               // the least a refusal closes sends for
  };
  Tier& TierOf(const std::string& user) { return IsService(user) ? services_ : people_; }
  // The user's buckets and closed interval alone: 0 or the wait.
  int64_t AdmitUser(const std::string& user, int64_t deliveries, int64_t now_ms);
  void Close(const std::string& user, int64_t until_ms, int64_t now_ms);
  void CloseClient(const std::string& client_id, int64_t until_ms, int64_t now_ms);
  // Held back behind an earlier refused send of the same client: the wait, else 0.
  int64_t HeldBack(const SendKey& send, int64_t now_ms);
  void HoldBack(const SendKey& send, int64_t now_ms);

  struct Refused {
    std::string client_msg_id;  // the earliest refused send not yet admitted
    int64_t until_ms = 0;       // monotonic
  };

  const std::unordered_set<std::string> service_users_;
  const bool puback_refusal_;
  Tier people_;
  Tier services_;
  // Users refused lately, until when their sends stay closed (monotonic ms); swept when large.
  std::unordered_map<std::string, int64_t> closed_until_;
  // By user and client id: the refused send that holds the client's later ones back.
  std::unordered_map<std::string, Refused> refused_;
  // By client id: until when its sends are refused in the ACL check (puback_refusal only).
  std::unordered_map<std::string, int64_t> client_closed_until_;
};

}  // namespace mqchat::chat
