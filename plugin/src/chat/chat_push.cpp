// ChatService: push notification requests (writer worker, through the writer's PushStore):
// push_register, push_unregister, push_settings and mute; and, before each append, who of a
// message's members should get a push job (docs/PROTOCOL.md section 7).
#include "chat/chat_service.h"
#include "protocol/fields.h"

namespace mqchat::chat {

bool ChatService::HandlePush(const ClientSession& who, const protocol::Request& req,
                             const ReplyTo& to) {
  if (!push_.store) {
    return Refuse(to, protocol::ErrorCode::kUnavailable, "push notifications are not available");
  }
  store::PushStore* push = push_.store.get();  // writer thread only, like the tasks below
  const std::string user = who.username;
  const std::string device = who.device_id;
  const int64_t now = clock_.NowMs();
  auto fail = [this, to](const Status& s) {
    PostReply(to, ErrorPayload(to, ErrorCodeFor(s, FailureSource::kStore), s.message()));
  };
  namespace fields = protocol::fields;

  switch (req.op) {
    case protocol::Op::kPushRegister: {
      const auto body = std::get<protocol::PushRegisterRequest>(req.body);
      return Submit(*writer_, to, [=](store::ChatStore&) {
        store::PushTarget target{user, device, body.platform, body.token, now};
        Status s = push->RegisterTarget(target);
        if (!s.ok()) return fail(s);
        PostReply(to, OkPayload(to, {{std::string(fields::kDevice), device},
                                     {std::string(fields::kPlatform), body.platform}}));
      });
    }
    case protocol::Op::kPushUnregister: {
      return Submit(*writer_, to, [=](store::ChatStore&) {
        auto removed = push->UnregisterTarget(user, device);
        if (!removed.ok()) return fail(removed.status());
        PostReply(to, OkPayload(to, {{std::string(fields::kDevice), device},
                                     {std::string(fields::kRemoved), *removed}}));
      });
    }
    case protocol::Op::kPushSettings: {
      const bool preview = std::get<protocol::PushSettingsRequest>(req.body).preview;
      return Submit(*writer_, to, [=](store::ChatStore&) {
        Status s = push->SetPreview(user, preview, now);
        if (!s.ok()) return fail(s);
        PostReply(to, OkPayload(to, {{std::string(fields::kPreview), preview}}));
      });
    }
    case protocol::Op::kMute: {
      const store::ConversationId id = req.conversation_id;
      const int64_t until = std::get<protocol::MuteRequest>(req.body).until_ms;
      return Submit(*writer_, to, [=](store::ChatStore& store) {
        auto members = LoadMembers(store, id);
        if (members.ok() && !(*members)->Contains(user)) {
          members = ReloadMembers(store, id);  // maybe added through another broker since
        }
        if (!members.ok() && members.status().code() != Code::kNotFound) {
          return fail(members.status());
        }
        if (!members.ok() || !(*members)->Contains(user)) {
          return PostReply(
              to, ErrorPayload(to, protocol::ErrorCode::kNotMember,
                               "you are not a member of conversation " + std::to_string(id)));
        }
        Status s = push->SetMute(id, user, until);
        if (!s.ok()) return fail(s);
        PostReply(to, OkPayload(to, {{std::string(fields::kConversationId), std::to_string(id)},
                                     {std::string(fields::kUntilMs), until}}));
      });
    }
    default:
      return Refuse(to, protocol::ErrorCode::kInternal, "unhandled op");
  }
}

void ChatService::PrepareBatch(store::ChatStore& store, std::vector<SendJob>& jobs) {
  if (!push_.record_jobs || push_.online == nullptr) return;
  for (SendJob& job : jobs) {
    // A failure here (unknown conversation, store error) leaves the send to AppendBatch, which
    // refuses or fails it on its own; a message it still stores goes without push.
    // The commit's members_version is not known yet, so the cached list may predate a change
    // made through another broker: AppendBatch records no job for a recipient who is no longer
    // a member, and a member added there may miss the push of this one batch (its fan-out
    // reloads the list, and later batches use that).
    auto members = LoadMembers(store, job.request.conversation_id);
    if (!members.ok()) continue;
    for (const std::string& member : (*members)->usernames) {
      if (member != job.request.sender && !push_.online->IsOnline(member)) {
        job.request.push_recipients.push_back(member);
      }
    }
  }
}

}  // namespace mqchat::chat
