// TypingOps: typing indicators. Ephemeral: never stored, members only, rate-limited per user,
// delivered at QoS 0 to the other members' inboxes, except to members with a block between
// them and the typing user either way (session::HiddenUsers; in every conversation, direct or
// group: a hint is not worth a leak). Answered on the broker thread when the
// membership cache knows the sender is a member; otherwise the user's reader asks the store.
// In a text channel (issue 18): readers who may send there (the broker's channel permission
// cache), one QoS 0 publish to the channel's topic that reaches only its permitted readers.
#pragma once

#include "chat/fan_out.h"
#include "chat/op_table.h"
#include "session/hidden_users.h"
#include "util/rate_limiter.h"

namespace mqchat::chat {

class TypingOps {
 public:
  // Everything outlives this. At most `per_minute` typing requests per user and minute.
  // `hidden` may be null (no member is left out).
  TypingOps(const ChatTools& tools, FanOut& fan_out, int per_minute,
            const session::HiddenUsers* hidden)
      : tools_(tools),
        fan_out_(fan_out),
        hidden_(hidden),
        per_minute_(per_minute),
        limiter_(RateLimiter::PerWindow(per_minute, 60000)) {}

  // Broker thread: answered at once, refused, or a task for the user's reader.
  Plan Typing(const OpRequest& r);

 private:
  // Broker thread: typing in text channel `id`, answered at once.
  Plan ChannelTyping(const ReplyTo& to, const std::string& user, store::ConversationId id,
                     bool typing);
  // Broker thread: the event to the other members, then the response.
  void Deliver(const ReplyTo& to, const std::string& user, store::ConversationId id, bool typing,
               const MembersPtr& members);

  const ChatTools tools_;
  FanOut& fan_out_;
  const session::HiddenUsers* const hidden_;  // broker thread
  const int per_minute_;
  RateLimiter limiter_;  // broker thread
};

}  // namespace mqchat::chat
