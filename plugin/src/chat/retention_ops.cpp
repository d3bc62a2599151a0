#include "chat/retention_ops.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "chat/wire_convert.h"
#include "protocol/fields.h"
#include "protocol/ids.h"
#include "protocol/retention.h"
#include "protocol/slow_mode.h"
#include "protocol/wire.h"

namespace mqchat::chat {

Plan RetentionOps::SetRetention(const OpRequest& r) {
  if (store_ == nullptr) {
    return Refusal{protocol::ErrorCode::kUnavailable, "retention is not available"};
  }
  const auto body = std::get<protocol::SetRetentionRequest>(r.req.body);
  std::optional<int64_t> days;
  if (body.days != protocol::kRetentionServerDefault) days = body.days;
  const int64_t now = tools_.clock.NowMs();
  return StoreTask([this, to = r.to, user = r.who.username, id = body.conversation_id, days,
                    now](store::ChatStore&) {
    Status set = store_->SetRetention(id, user, days, now);
    // Not a member, or no such conversation: one answer, as for every conversation op.
    if (set.code() == Code::kNotFound) return tools_.replies.NotMember(to, id);
    if (!set.ok()) return tools_.replies.Fail(to, set);  // FORBIDDEN: not an owner or admin
    tools_.replies.Log(LogLevel::kNotice,
                       "mqchat: " + user + " set the retention of conversation " +
                           std::to_string(id) + " to " +
                           (days ? std::to_string(*days) + " days" : "the server default"));
    nlohmann::json result{{protocol::fields::kConversationId, protocol::FormatId(id)}};
    if (days) {
      result[protocol::fields::kRetentionDays] = *days;
    } else {
      result[protocol::fields::kRetentionDays] = nullptr;
    }
    tools_.replies.Reply(to, OkPayload(to, std::move(result)));
  });
}

Plan RetentionOps::SetSlowMode(const OpRequest& r) {
  if (store_ == nullptr) {
    return Refusal{protocol::ErrorCode::kUnavailable, "slow mode is not available"};
  }
  const auto body = std::get<protocol::SetSlowModeRequest>(r.req.body);
  const int64_t now = tools_.clock.NowMs();
  return StoreTask([this, to = r.to, user = r.who.username, id = body.conversation_id,
                    seconds = body.seconds, now](store::ChatStore& chat) {
    // A text channel (migration 026): manage_channels in it; its brokers' channel caches
    // carry the interval and are loaded again (this broker's for `user` before the answer).
    if (tools_.channels != nullptr) {
      Status ch = tools_.channels->SetSlowModeOnWriter(user, id, seconds);
      if (ch.code() != Code::kNotFound) {
        if (ch.code() == Code::kUnauthenticated) return tools_.replies.NotMember(to, id);
        if (!ch.ok()) return tools_.replies.Fail(to, ch);  // FORBIDDEN: no manage_channels
        tools_.replies.Log(LogLevel::kNotice, "mqchat: " + user + " set the slow mode of channel " +
                                                  std::to_string(id) + " to " +
                                                  std::to_string(seconds) + " s");
        return tools_.replies.Reply(
            to, OkPayload(to, {{protocol::fields::kConversationId, protocol::FormatId(id)},
                               {protocol::fields::kSlowModeS, seconds}}));
      }
    }
    Status set = store_->SetSlowMode(id, user, seconds, now);
    if (set.code() == Code::kNotFound) return tools_.replies.NotMember(to, id);
    if (!set.ok()) return tools_.replies.Fail(to, set);  // FORBIDDEN: not an owner or admin
    // This broker's send path reads the setting from the cache: reload it now.
    (void)tools_.members.Reload(chat, id);
    // Every member's devices keep the setting (the SDK's cache, the web client): a
    // `conversation` event carrying it. Lost only if this read fails; `conversations` has it.
    if (auto conversation = chat.GetConversation(id); conversation.ok()) {
      std::vector<std::string> members;
      for (const auto& m : conversation->members) members.push_back(m.username);
      tools_.replies.Broadcast(std::move(members),
                               protocol::ConversationEvent(protocol::values::kSlowModeChanged,
                                                           ToWire(*conversation), user, {}));
    }
    tools_.replies.Log(LogLevel::kNotice,
                       "mqchat: " + user + " set the slow mode of conversation " +
                           std::to_string(id) + " to " + std::to_string(seconds) + " s");
    tools_.replies.Reply(to,
                         OkPayload(to, {{protocol::fields::kConversationId, protocol::FormatId(id)},
                                        {protocol::fields::kSlowModeS, seconds}}));
  });
}

}  // namespace mqchat::chat
