#include "chat/send_pipeline.h"

#include <chrono>
#include <map>
#include <utility>

#include "chat/push_ops.h"
#include "chat/wire_convert.h"
#include "community/permissions.h"
#include "metrics/instruments.h"
#include "protocol/wire.h"
#include "store/block_steps.h"

namespace mqchat::chat {
namespace {

// The op whose request made an event of `kind`: its ack answers under that op.
protocol::Op AckOp(store::EventKind kind) {
  switch (kind) {
    case store::EventKind::kMessage:
    case store::EventKind::kCall:  // the plugin's own: no request, no ack
      return protocol::Op::kSend;
    case store::EventKind::kEdit:
      return protocol::Op::kEdit;
    case store::EventKind::kDelete:
      return protocol::Op::kDelete;
    case store::EventKind::kReactionAdd:
    case store::EventKind::kReactionRemove:
      return protocol::Op::kReact;
  }
  return protocol::Op::kSend;
}

}  // namespace

// Why the store refused an edit, delete, reaction or reply, as its error response.
std::string SendPipeline::RefusalPayload(const ReplyTo& to, const store::AppendRequest& req,
                                         store::EventRefusal refusal,
                                         const std::string& refused_user,
                                         const std::string& refused_attachment) {
  using protocol::ErrorCode;
  const std::string seq = std::to_string(req.target_seq);
  switch (refusal) {
    case store::EventRefusal::kNotAuthor:
      return ErrorPayload(
          to, ErrorCode::kNotAuthor,
          req.kind == store::EventKind::kEdit
              ? "only its sender may edit message " + seq
              : "only its sender or a group owner or admin may delete message " + seq);
    case store::EventRefusal::kEditWindowClosed:
      return ErrorPayload(to, ErrorCode::kEditWindowClosed,
                          "message " + seq + " is too old to edit");
    case store::EventRefusal::kTargetDeleted:
      return ErrorPayload(to, ErrorCode::kMessageDeleted, "message " + seq + " was deleted");
    case store::EventRefusal::kNoChange:
      return ErrorPayload(to, ErrorCode::kNoChange,
                          req.kind == store::EventKind::kReactionAdd
                              ? "you already reacted to message " + seq + " with " + req.text
                              : "you have no reaction " + req.text + " on message " + seq);
    case store::EventRefusal::kMentionNotMember:
      return ErrorPayload(to, ErrorCode::kMentionNotMember,
                          "mentions: " + refused_user + " is not a member of conversation " +
                              std::to_string(req.conversation_id));
    case store::EventRefusal::kAttachmentUnknown:
      return ErrorPayload(to, ErrorCode::kInvalid,
                          "attachments: " + refused_attachment + " is not an upload of yours");
    case store::EventRefusal::kAttachmentUnfinished:
      return ErrorPayload(to, ErrorCode::kInvalid,
                          "attachments: upload " + refused_attachment + " is not finished");
    case store::EventRefusal::kUnknownTarget:
    case store::EventRefusal::kNone:
      break;
  }
  return ErrorPayload(
      to, ErrorCode::kUnknownMessage,
      "no message " + seq + " in conversation " + std::to_string(req.conversation_id));
}

using store::NotAccepting;

Plan SendPipeline::PlanSend(const OpRequest& r) {
  auto& body = std::get<protocol::SendRequest>(r.req.body);
  // No membership check here: the writer's AppendBatch checks it under the conversation lock
  // and answers NOT_MEMBER. The membership cache cannot decide it. With several brokers, an
  // entry may predate a change made through another one, so a cached "not a member" would
  // refuse a user just added there (and a cached "member" proves nothing either way); only a
  // store read could tell, and the broker thread never waits on the store. The cost is that a
  // non-member's send takes a place in a write batch (one more key in its lookup) instead of
  // being refused here. Clients send only to conversations they are in, except in a race with
  // their removal, and a flood by a member costs the writer more (stored and fanned out), so
  // an early refusal would save nothing the bounded queue (OVERLOADED) does not already cap.
  SendJob job;
  job.request.conversation_id = r.req.conversation_id;
  job.request.sender = r.who.username;
  job.request.client_msg_id = std::move(body.client_msg_id);
  job.request.text = std::move(body.text);          // up to 100,000 characters: moved, not copied
  job.request.target_seq = body.reply_to;           // a reply (0: none); the store checks it
  job.request.mentions = std::move(body.mentions);  // the store checks they are members
  // The store checks each is the sender's finished upload (store/attachments.h).
  job.request.attachments = std::move(body.attachments);
  job.request.message_id = ids_.Next();
  job.request.created_at_ms = tools_.clock.NowMs();
  job.reply = r.to;
  return WithinLimits(r, std::move(job));
}

Plan SendPipeline::WithinLimits(const OpRequest& r, SendJob job) {
  // A text channel (issue 18): the cached permission refuses at once; the writer asks the
  // store again before the append (ResolveChannelSenders), also while the cache is stale.
  if (tools_.channels != nullptr &&
      tools_.channels->IsChannel(r.who.username, job.request.conversation_id)) {
    const auto perms = tools_.channels->Permissions(r.who.username, job.request.conversation_id);
    if (perms && !community::Has(*perms, community::kViewChannel)) {  // as to an outsider
      return Refusal{
          protocol::ErrorCode::kNotMember,
          "you are not a member of conversation " + std::to_string(job.request.conversation_id)};
    }
    // A deletion by a member who may manage messages needs no send_messages (as in Discord).
    const bool moderating = job.request.kind == store::EventKind::kDelete && perms &&
                            community::Has(*perms, community::kManageMessages);
    if (perms && !community::Has(*perms, community::kSendMessages) && !moderating) {
      return Refusal{
          protocol::ErrorCode::kForbidden,
          "you may not send messages in channel " + std::to_string(job.request.conversation_id)};
    }
    job.channel = true;
  } else if (tools_.channels != nullptr && !tools_.channels->Loaded(r.who.username)) {
    // The sender's channel access is still loading (a device that has just connected, such as
    // an outbox resending after a broker restart): this may be a channel the cache cannot name
    // yet. The writer asks the store (ResolveChannelSenders); for any other conversation the
    // store's answer changes nothing (no permissions: not a channel sender). Refusing here gave
    // such a channel message NOT_MEMBER, for good.
    job.channel = true;
  }
  // The limits come first, but a send over them still reaches the store check below (within
  // its own budget): an idempotent resend of a stored message gets its original ack.
  const Admission admission = Admit(r, job.request);
  const int64_t wait = admission.wait_ms;
  if (wait > 0) {
    // One refusal, whether answered here or after the store check finds nothing.
    std::string why = admission.slow_mode ? SlowModeMessage(wait) : LimitMessage(r.who.username);
    if (!limits_.AllowStoreCheck(r.who.username, tools_.clock.MonotonicMs())) {
      return Refusal{protocol::ErrorCode::kRateLimited, std::move(why), wait};
    }
    job.request.only_if_stored = true;
    job.retry_after_ms = wait;
    job.refusal = std::move(why);
  }
  return job;
}

SendPipeline::Admission SendPipeline::Admit(const OpRequest& r,
                                            const store::AppendRequest& request) {
  // Deliveries and slow mode from the membership cache (kept warm by every message's fan-out);
  // a conversation not cached costs one and has no slow mode, so only the first message after
  // a miss is undercharged.
  MembersPtr members = tools_.members.Cached(r.req.conversation_id);
  const int64_t deliveries = members ? static_cast<int64_t>(members->usernames.size()) : 1;
  // Slow mode paces messages only (not edits, deletions, reactions), and not owners or admins.
  int64_t interval = 0;
  if (request.kind == store::EventKind::kMessage && tools_.channels != nullptr &&
      tools_.channels->IsChannel(r.who.username, r.req.conversation_id)) {
    // A text channel's (issue 18): 0 for those who may manage messages or the channel.
    interval = tools_.channels->SlowModeMs(r.who.username, r.req.conversation_id);
  } else if (members != nullptr && request.kind == store::EventKind::kMessage &&
             !members->IsModerator(r.who.username)) {
    interval = members->slow_mode_ms;
  }
  const int64_t now = tools_.clock.MonotonicMs();
  const int64_t slow_wait = slow_.WaitMs(r.req.conversation_id, r.who.username, interval, now);
  Admission out;
  out.wait_ms = limits_.Admit({r.who.username, r.to.client_id, request.client_msg_id}, deliveries,
                              now, slow_wait);
  out.slow_mode = slow_wait > 0;
  if (out.wait_ms == 0) slow_.Sent(r.req.conversation_id, r.who.username, interval, now);
  return out;
}

std::string SendPipeline::SlowModeMessage(int64_t wait_ms) {
  return "this conversation is in slow mode; wait " + std::to_string(wait_ms) +
         " ms before sending again";
}

void SendPipeline::SlowModeRefused(const store::AppendRequest& request,
                                   const std::string& client_id, int64_t wait_ms) {
  tools_.replies.OnBrokerThread([this, conversation = request.conversation_id,
                                 send = SendKey{request.sender, client_id, request.client_msg_id},
                                 wait_ms] {
    const int64_t now = tools_.clock.MonotonicMs();
    slow_.Refused(conversation, send.user, wait_ms, now);
    // Held back like a refusal here: the client's later sends wait for this one's resend.
    limits_.Admit(send, 0, now, wait_ms);
  });
}

std::string SendPipeline::LimitMessage(const std::string& user) const {
  const SendRate rate = limits_.SendsOf(user);
  return "too many messages; the limit is " + std::to_string(static_cast<int64_t>(rate.per_s)) +
         " per second (" + std::to_string(static_cast<int64_t>(rate.burst)) +
         " at once) and a fan-out budget of deliveries per second";
}

void SendPipeline::Commit(store::ChatStore& store, std::vector<SendJob> jobs) {
  if (push_ != nullptr) push_->AddRecipients(store, tools_.members, tools_.channels, jobs);
  ResolveChannelSenders(jobs);
  std::vector<store::AppendRequest> batch;
  batch.reserve(jobs.size());
  for (auto& job : jobs) batch.push_back(std::move(job.request));  // texts are not copied
  const auto started = std::chrono::steady_clock::now();
  auto results = store.AppendBatch(batch);
  RecordCommit(jobs.size(), started, results);
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i].request = std::move(batch[i]);
  std::vector<SendOutcome> outcomes = Outcomes(store, jobs, results);
  // The push jobs committed with these messages: wake the push worker now, not at its poll.
  if (results.ok() && push_ != nullptr) push_->BatchCommitted(jobs, *results);
  // Builds every payload here so the broker thread only publishes.
  const auto done = std::chrono::steady_clock::now();
  for (const auto& job : jobs) {
    metrics::Get().send_ack_seconds.Observe(
        std::chrono::duration<double>(done - job.received).count());
  }
  tools_.replies.SendResults(std::move(outcomes));
}

void SendPipeline::RecordCommit(size_t batch, std::chrono::steady_clock::time_point started,
                                const Result<std::vector<store::AppendResult>>& results) {
  auto& m = metrics::Get();
  m.batch_size.Observe(static_cast<double>(batch));
  m.commit_seconds.Observe(
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  if (!results.ok()) {
    m.store_errors.Inc();
    return;
  }
  for (const auto& r : *results) {
    if (r.outcome == store::AppendOutcome::kStored) m.messages_stored.Inc();
    if (r.outcome == store::AppendOutcome::kDuplicate) m.duplicates.Inc();
  }
}

void SendPipeline::ResolveChannelSenders(std::vector<SendJob>& jobs) {
  if (tools_.channels == nullptr) return;
  std::map<std::pair<std::string, int64_t>, uint64_t> flags;  // one store check per pair
  for (SendJob& job : jobs) {
    if (!job.channel) continue;
    const auto key = std::make_pair(job.request.sender, job.request.conversation_id);
    auto it = flags.find(key);
    if (it == flags.end()) {
      it = flags.emplace(key, tools_.channels->PermissionsOnWriter(key.first, key.second)).first;
    }
    // manage_messages: deletes others' messages (AppendRequest::channel_moderator).
    const bool moderator = community::Has(it->second, community::kManageMessages);
    job.request.channel_moderator = moderator;
    // Slow mode's exemption, as the broker's (ChannelAccess::SlowModeMs): the store paces the
    // channel's other senders.
    job.request.slow_mode_exempt =
        moderator || community::Has(it->second, community::kManageChannels);
    // Refused: no members row either, so the store answers NOT_MEMBER.
    job.request.channel_sender = community::Has(it->second, community::kSendMessages) ||
                                 (moderator && job.request.kind == store::EventKind::kDelete);
  }
}

std::vector<SendOutcome> SendPipeline::Outcomes(
    store::ChatStore& store, std::vector<SendJob>& jobs,
    const Result<std::vector<store::AppendResult>>& results) {
  std::vector<SendOutcome> outcomes;
  outcomes.reserve(jobs.size());
  for (size_t i = 0; i < jobs.size(); ++i) {
    SendOutcome out;
    out.to = std::move(jobs[i].reply);
    if (!results.ok()) {
      // The batch failed: usually nothing of it was committed, but a COMMIT cut off by a lost
      // connection may have landed. Either way every sender retries with the same
      // client_msg_id, and a landed message answers that retry as a duplicate with its ack.
      out.reply = ErrorPayload(out.to, ErrorCodeFor(results.status(), FailureSource::kStore),
                               "message not stored: " + results.status().message());
    } else if ((*results)[i].outcome == store::AppendOutcome::kFailed) {
      // Its shard failed, the batch's other shards did not (store/sharded_chat_store.h): as a
      // failed batch, for this sender alone.
      const Status& error = (*results)[i].error;
      out.reply = ErrorPayload(out.to, ErrorCodeFor(error, FailureSource::kStore),
                               "message not stored: " + error.message());
    } else if ((*results)[i].outcome == store::AppendOutcome::kNotStored) {
      // Refused on the broker thread and no resend of a stored message: that refusal.
      out.reply = ErrorPayload(out.to, protocol::ErrorCode::kRateLimited, jobs[i].refusal,
                               jobs[i].retry_after_ms);
    } else if ((*results)[i].outcome == store::AppendOutcome::kSlowMode) {
      // Slow mode as the store decided it (a message of the sender came through another
      // broker): the same answer as this broker's own.
      const int64_t wait = (*results)[i].retry_after_ms;
      out.reply =
          ErrorPayload(out.to, protocol::ErrorCode::kRateLimited, SlowModeMessage(wait), wait);
      SlowModeRefused(jobs[i].request, out.to.client_id, wait);
    } else if ((*results)[i].outcome == store::AppendOutcome::kNotMember) {
      out.reply = ErrorPayload(out.to, protocol::ErrorCode::kNotMember,
                               "you are not a member of conversation " +
                                   std::to_string(jobs[i].request.conversation_id));
    } else if ((*results)[i].outcome == store::AppendOutcome::kRefused) {
      out.reply = RefusalPayload(out.to, jobs[i].request, (*results)[i].refusal,
                                 (*results)[i].refused_user, (*results)[i].refused_attachment);
    } else if ((*results)[i].outcome == store::AppendOutcome::kNotAccepting) {
      // The same answer for a block and for the policy (open_direct gives it too).
      out.reply = ErrorPayload(out.to, protocol::ErrorCode::kNotAccepting,
                               NotAccepting("the other member").message());
    } else {
      out = Stored(store, std::move(out), (*results)[i], jobs[i].request.channel_sender);
    }
    outcomes.push_back(std::move(out));
  }
  return outcomes;
}

// A stored or duplicate message: its ack, and for a new one its event and inboxes.
SendOutcome SendPipeline::Stored(store::ChatStore& store, SendOutcome out,
                                 const store::AppendResult& r, bool channel) {
  protocol::WireAck ack;
  ack.conversation_id = r.message.conversation_id;
  ack.seq = r.message.seq;
  ack.message_id = r.message.message_id;
  ack.client_msg_id = r.message.client_msg_id;
  // The stored time (sent_at_ms), so the sender records the time members see in events, history
  // and sync, and a resend gets the original ack back, time included.
  ack.server_time_ms = r.message.created_at_ms;
  ack.duplicate = r.outcome == store::AppendOutcome::kDuplicate;
  out.reply = protocol::SendAckResponse(out.to.req_id, ack, AckOp(r.message.kind));
  if (!out.to.topic.empty()) metrics::Get().replies.CountOk(out.to.op);
  if (r.outcome != store::AppendOutcome::kStored) return out;
  if (channel) {  // one publish to the channel's topic, whoever reads it (fan_out.h)
    out.channel_id = r.message.conversation_id;
    out.event = protocol::MessageEvent(ToWire(r.message));
    out.sender = r.message.sender;
    return out;
  }
  // Members at least as new as the commit: a cached list from before a membership change made
  // through another broker would deliver to a removed member, or miss an added one.
  auto members = tools_.members.Load(store, r.message.conversation_id, r.members_version);
  if (members.ok()) {
    out.inboxes = (*members)->usernames;
    out.event = protocol::MessageEvent(ToWire(r.message));
    out.sender = r.message.sender;
  } else {
    // Stored and acked; devices get it by sync. Say why live delivery was skipped.
    tools_.replies.Log(LogLevel::kWarning,
                       "mqchat: fan-out skipped, members unknown: " + members.status().ToString());
  }
  return out;
}

}  // namespace mqchat::chat
