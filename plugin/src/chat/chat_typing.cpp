// ChatService: typing indicators. Ephemeral: never stored, members only, rate-limited per user,
// delivered at QoS 0 to the other members' inboxes.
#include "chat/chat_service.h"
#include "protocol/wire.h"

namespace mqchat::chat {

bool ChatService::HandleTyping(const ClientSession& who, const protocol::Request& req,
                               const ReplyTo& to) {
  if (!typing_limiter_.Allow(who.username, clock_.MonotonicMs())) {
    return Refuse(to, protocol::ErrorCode::kRateLimited,
                  "too many typing notifications; the limit is " +
                      std::to_string(options_.typing_per_minute) + " per minute");
  }
  const std::string user = who.username;
  const store::ConversationId id = req.conversation_id;
  const bool typing = std::get<protocol::TypingRequest>(req.body).typing;
  auto deliver = [this, user, id, typing, to](const MembersPtr& members) {
    std::vector<std::string> others;
    for (const auto& member : members->usernames) {
      if (member != user) others.push_back(member);
    }
    // QoS 0: a lost typing hint is not worth a retransmission.
    PublishToInboxes(others, protocol::TypingEvent(id, user, typing), /*qos=*/0);
    PublishReply(broker_, to, OkPayload(to, {{"conversation_id", std::to_string(id)}}));
  };
  MembersPtr cached = cache_.Get(id, clock_.MonotonicMs());
  if (cached && cached->Contains(user)) {
    // A typing hint is ephemeral: a list that predates a change made through another broker
    // may reach a removed member's inbox, until the entry is reloaded (by the next message
    // sent through this broker, or at the TTL).
    deliver(cached);
    return true;
  }
  // Unknown, or cached without `user`, who may have been added through another broker since:
  // the store decides (the rate limit above bounds what a non-member can cost).
  // On the user's own reader, like every read of theirs (reader_pool.h).
  return Submit(readers_->For(user), to, [this, user, id, to, deliver](store::ChatStore& store) {
    auto members = ReloadMembers(store, id);
    if (!members.ok() || !(*members)->Contains(user)) {
      return PostReply(to,
                       ErrorPayload(to, protocol::ErrorCode::kNotMember,
                                    "you are not a member of conversation " + std::to_string(id)));
    }
    tasks_.Post([deliver, m = *members] { deliver(m); });
  });
}

}  // namespace mqchat::chat
