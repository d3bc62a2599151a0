#include "push/push_requests.h"

#include "protocol/fields.h"
#include "protocol/wire.h"

namespace mqchat::push {
namespace {

namespace fields = protocol::fields;

chat::Refusal Unavailable() {
  return {protocol::ErrorCode::kUnavailable, "push notifications are not available"};
}

}  // namespace

chat::Plan PushRequests::Register(const chat::OpRequest& r, const chat::ChatTools& tools) {
  if (!push_.store) return Unavailable();
  const std::string user = r.who.username;
  const std::string device = r.who.device_id;
  const int64_t now = tools.clock.NowMs();
  const auto body = std::get<protocol::PushRegisterRequest>(r.req.body);
  return chat::StoreTask([this, tools, to = r.to, user, device, now, body](store::ChatStore&) {
    store::PushTarget target{user, device, body.platform, body.token, now};
    Status s = push_.store->RegisterTarget(target);
    if (!s.ok()) return tools.replies.Fail(to, s);
    tools.replies.Reply(to, chat::OkPayload(to, {{std::string(fields::kDevice), device},
                                                 {std::string(fields::kPlatform), body.platform}}));
  });
}

chat::Plan PushRequests::Unregister(const chat::OpRequest& r, const chat::ChatTools& tools) {
  if (!push_.store) return Unavailable();
  const std::string user = r.who.username;
  const std::string device = r.who.device_id;
  return chat::StoreTask([this, tools, to = r.to, user, device](store::ChatStore&) {
    auto removed = push_.store->UnregisterTarget(user, device);
    if (!removed.ok()) return tools.replies.Fail(to, removed.status());
    tools.replies.Reply(to, chat::OkPayload(to, {{std::string(fields::kDevice), device},
                                                 {std::string(fields::kRemoved), *removed}}));
  });
}

chat::Plan PushRequests::Settings(const chat::OpRequest& r, const chat::ChatTools& tools) {
  if (!push_.store) return Unavailable();
  const std::string user = r.who.username;
  const int64_t now = tools.clock.NowMs();
  const auto body = std::get<protocol::PushSettingsRequest>(r.req.body);
  return chat::StoreTask([this, tools, to = r.to, user, body, now](store::ChatStore&) {
    // Answers with the settings the request set (each given one).
    nlohmann::json result = nlohmann::json::object();
    if (body.has_preview) {
      Status s = push_.store->SetPreview(user, body.preview, now);
      if (!s.ok()) return tools.replies.Fail(to, s);
      result[std::string(fields::kPreview)] = body.preview;
    }
    if (body.mention_push) {
      Status s = push_.store->SetMentionPush(user, *body.mention_push, now);
      if (!s.ok()) return tools.replies.Fail(to, s);
      result[std::string(fields::kMentionPush)] = *body.mention_push;
    }
    tools.replies.Reply(to, chat::OkPayload(to, std::move(result)));
  });
}

chat::Plan PushRequests::Mute(const chat::OpRequest& r, const chat::ChatTools& tools) {
  if (!push_.store) return Unavailable();
  const std::string user = r.who.username;
  const store::ConversationId id = r.req.conversation_id;
  const std::string device = r.who.device_id;
  const int64_t until = std::get<protocol::MuteRequest>(r.req.body).until_ms;
  return chat::StoreTask(
      [this, tools, to = r.to, user, device, id, until](store::ChatStore& store) {
        auto members = tools.members.Load(store, id);
        if (members.ok() && !(*members)->Contains(user)) {
          members = tools.members.Reload(store, id);  // maybe added through another broker since
        }
        if (!members.ok() && members.status().code() != Code::kNotFound) {
          return tools.replies.Fail(to, members.status());
        }
        if (!members.ok() || !(*members)->Contains(user)) return tools.replies.NotMember(to, id);
        Status s = push_.store->SetMute(id, user, until);
        if (!s.ok()) return tools.replies.Fail(to, s);
        ReadMarked(user, device, tools.clock.NowMs());  // the badge leaves (or counts) it now
        tools.replies.Broadcast({user}, protocol::MuteEvent(id, until));  // every device's total
        tools.replies.Reply(
            to, chat::OkPayload(to, {{std::string(fields::kConversationId), std::to_string(id)},
                                     {std::string(fields::kUntilMs), until}}));
      });
}

void PushRequests::AddChannelRecipients(chat::ChannelAccess& channels, chat::SendJob& job) {
  // A channel may have 100,000 readers: only a mention is pushed (no @everyone: a mention
  // names each user). Asked of the store for those offline only, the sender excluded; the
  // store checks again that each is still a member of the channel's server when it records
  // the job, in the message's transaction.
  if (job.request.kind != store::EventKind::kMessage) return;  // only messages are pushed
  for (const std::string& user : job.request.mentions) {
    if (user == job.request.sender || push_.online->IsOnline(user)) continue;
    if (channels.MayViewOnWriter(user, job.request.conversation_id)) {
      job.request.push_recipients.push_back(user);
    }
  }
}

void PushRequests::AddRecipients(store::ChatStore& store, chat::MemberLoader& members,
                                 chat::ChannelAccess* channels,
                                 std::vector<chat::SendJob>& jobs) {
  if (!push_.record_jobs || push_.online == nullptr) return;
  for (chat::SendJob& job : jobs) {
    if (job.channel) {  // no members rows: the channel's own rule
      if (channels != nullptr) AddChannelRecipients(*channels, job);
      continue;
    }
    // A failure here (unknown conversation, store error) leaves the send to AppendBatch, which
    // refuses or fails it on its own; a message it still stores goes without push.
    // The commit's members_version is not known yet, so the cached list may predate a change
    // made through another broker: AppendBatch records no job for a recipient who is no longer
    // a member, and a member added there may miss the push of this one batch (its fan-out
    // reloads the list, and later batches use that).
    auto loaded = members.Load(store, job.request.conversation_id);
    if (!loaded.ok()) continue;
    for (const std::string& member : (*loaded)->usernames) {
      if (member != job.request.sender && !push_.online->IsOnline(member)) {
        job.request.push_recipients.push_back(member);
      }
    }
  }
  // Coalescing runs on the writer's clock, taken just before the commit: a message that waited
  // in the writer's queue still puts its job off by the whole delay (measured from its
  // created_at_ms, a backlog longer than the delay would make the job due at once).
  for (chat::SendJob& job : jobs) {
    const int64_t now_ms =
        push_.clock != nullptr ? push_.clock->NowMs() : job.request.created_at_ms;
    job.request.push_due_ms = now_ms + push_.coalesce_ms;
    job.request.push_due_cap_ms = now_ms + push_.coalesce_max_ms;
  }
}

void PushRequests::BatchCommitted(const std::vector<chat::SendJob>& jobs,
                                  const std::vector<store::AppendResult>& results) {
  if (!push_.jobs_recorded) return;
  // The push jobs committed with these messages: wake the push worker now, not at its poll.
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (results[i].outcome == store::AppendOutcome::kStored &&
        !jobs[i].request.push_recipients.empty()) {
      push_.jobs_recorded();
      return;
    }
  }
}

void PushRequests::ReadMarked(const std::string& user, const std::string& device, int64_t now_ms) {
  if (!push_.record_jobs || !push_.store) return;
  // A failure costs only a badge update: the read itself committed.
  Status s = push_.store->RecordCountsJob(user, device, now_ms, now_ms + push_.coalesce_ms,
                                          now_ms + push_.coalesce_max_ms);
  if (s.ok() && push_.jobs_recorded) push_.jobs_recorded();
}

}  // namespace mqchat::push
