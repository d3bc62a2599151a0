#include "chat/typing_ops.h"

#include "community/permissions.h"
#include "protocol/responses.h"
#include "protocol/wire.h"

namespace mqchat::chat {

Plan TypingOps::Typing(const OpRequest& r) {
  const std::string& user = r.who.username;
  if (!limiter_.Allow(user, tools_.clock.MonotonicMs())) {
    return Refusal{protocol::ErrorCode::kRateLimited,
                   "too many typing notifications; the limit is " + std::to_string(per_minute_) +
                       " per minute"};
  }
  const store::ConversationId id = r.req.conversation_id;
  const bool typing = std::get<protocol::TypingRequest>(r.req.body).typing;
  if (tools_.channels != nullptr && tools_.channels->IsChannel(user, id)) {
    return ChannelTyping(r.to, user, id, typing);
  }
  MembersPtr cached = tools_.members.Cached(id);
  // Until the user's blocks are loaded (at login, on their reader), the reader decides: its
  // task runs after that load, so the answer comes once the blocks are known.
  const bool blocks_known = hidden_ == nullptr || hidden_->Loaded(user);
  if (cached && cached->Contains(user) && blocks_known) {
    // A typing hint is ephemeral: a list that predates a change made through another broker
    // may reach a removed member's inbox, until the entry is reloaded (by the next message
    // sent through this broker, or at the TTL).
    Deliver(r.to, user, id, typing, cached);
    return Answered{};
  }
  // Unknown, or cached without `user`, who may have been added through another broker since:
  // the store decides (the rate limit above bounds what a non-member can cost).
  return StoreTask([this, to = r.to, user, id, typing](store::ChatStore& store) {
    auto members = tools_.members.Reload(store, id);
    if (!members.ok() || !(*members)->Contains(user)) return tools_.replies.NotMember(to, id);
    tools_.replies.OnBrokerThread(
        [this, to, user, id, typing, m = *members] { Deliver(to, user, id, typing, m); });
  });
}

Plan TypingOps::ChannelTyping(const ReplyTo& to, const std::string& user,
                              store::ConversationId id, bool typing) {
  // From the broker's permission cache, as a send: stale (a change being loaded) or without
  // view_channel answers as to an outsider; without send_messages, FORBIDDEN.
  const auto perms = tools_.channels->Permissions(user, id);
  if (!perms || !community::Has(*perms, community::kViewChannel)) {
    return Refusal{protocol::ErrorCode::kNotMember,
                   "you are not a member of conversation " + std::to_string(id)};
  }
  if (!community::Has(*perms, community::kSendMessages)) {
    return Refusal{protocol::ErrorCode::kForbidden,
                   "you may not send messages in channel " + std::to_string(id)};
  }
  // One publish to the channel's topic, on every broker, at QoS 0: the READ ACL lets through
  // only the devices whose user may view the channel now (docs/ARCHITECTURE.md "Channel
  // delivery"). Blocks do not filter it, as they do not filter the channel's messages.
  tools_.channels->PublishEphemeral(id, protocol::TypingEvent(id, user, typing));
  fan_out_.Reply(to, OkPayload(to, protocol::EncodeTypingAck({id})));
  return Answered{};
}

void TypingOps::Deliver(const ReplyTo& to, const std::string& user, store::ConversationId id,
                        bool typing, const MembersPtr& members) {
  // Blocks still unknown (the load at login failed): the hint reaches nobody rather than
  // maybe someone it must not.
  const bool blocks_known = hidden_ == nullptr || hidden_->Loaded(user);
  std::vector<std::string> others;
  for (const auto& member : members->usernames) {
    if (!blocks_known) break;
    if (member == user || (hidden_ != nullptr && hidden_->Hidden(user, member))) continue;
    others.push_back(member);
  }
  // QoS 0: a lost typing hint is not worth a retransmission.
  fan_out_.ToInboxes(others, protocol::TypingEvent(id, user, typing), /*qos=*/0);
  fan_out_.Reply(to, OkPayload(to, protocol::EncodeTypingAck({id})));
}

}  // namespace mqchat::chat
