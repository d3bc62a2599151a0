#include "chat/send_pipeline.h"

#include "chat/push_ops.h"
#include "chat/wire_convert.h"
#include "protocol/wire.h"
#include "store/block_steps.h"

namespace mqchat::chat {

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
  job.request.text = std::move(body.text);  // up to 100,000 characters: moved, not copied
  job.request.message_id = ids_.Next();
  job.request.created_at_ms = tools_.clock.NowMs();
  job.reply = r.to;
  return job;
}

void SendPipeline::Commit(store::ChatStore& store, std::vector<SendJob> jobs) {
  if (push_ != nullptr) push_->AddRecipients(store, tools_.members, jobs);
  std::vector<store::AppendRequest> batch;
  batch.reserve(jobs.size());
  for (auto& job : jobs) batch.push_back(std::move(job.request));  // texts are not copied
  auto results = store.AppendBatch(batch);
  for (size_t i = 0; i < jobs.size(); ++i) jobs[i].request = std::move(batch[i]);
  std::vector<SendOutcome> outcomes = Outcomes(store, jobs, results);
  // The push jobs committed with these messages: wake the push worker now, not at its poll.
  if (results.ok() && push_ != nullptr) push_->BatchCommitted(jobs, *results);
  // Builds every payload here so the broker thread only publishes.
  tools_.replies.SendResults(std::move(outcomes));
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
      // Nothing of the batch was committed: every sender may retry with the same client_msg_id.
      out.reply = ErrorPayload(out.to, ErrorCodeFor(results.status(), FailureSource::kStore),
                               "message not stored: " + results.status().message());
    } else if ((*results)[i].outcome == store::AppendOutcome::kNotMember) {
      out.reply = ErrorPayload(out.to, protocol::ErrorCode::kNotMember,
                               "you are not a member of conversation " +
                                   std::to_string(jobs[i].request.conversation_id));
    } else if ((*results)[i].outcome == store::AppendOutcome::kNotAccepting) {
      // The same answer for a block and for the policy (open_direct gives it too).
      out.reply = ErrorPayload(out.to, protocol::ErrorCode::kNotAccepting,
                               NotAccepting("the other member").message());
    } else {
      out = Stored(store, std::move(out), (*results)[i]);
    }
    outcomes.push_back(std::move(out));
  }
  return outcomes;
}

// A stored or duplicate message: its ack, and for a new one its event and inboxes.
SendOutcome SendPipeline::Stored(store::ChatStore& store, SendOutcome out,
                                 const store::AppendResult& r) {
  protocol::WireAck ack;
  ack.conversation_id = r.message.conversation_id;
  ack.seq = r.message.seq;
  ack.message_id = r.message.message_id;
  ack.client_msg_id = r.message.client_msg_id;
  // The stored time (sent_at_ms), so the sender records the time members see in events, history
  // and sync, and a resend gets the original ack back, time included.
  ack.server_time_ms = r.message.created_at_ms;
  ack.duplicate = r.outcome == store::AppendOutcome::kDuplicate;
  out.reply = protocol::SendAckResponse(out.to.req_id, ack);
  if (r.outcome != store::AppendOutcome::kStored) return out;
  // Members at least as new as the commit: a cached list from before a membership change made
  // through another broker would deliver to a removed member, or miss an added one.
  auto members = tools_.members.Load(store, r.message.conversation_id, r.members_version);
  if (members.ok()) {
    out.inboxes = (*members)->usernames;
    out.event = protocol::MessageEvent(ToWire(r.message));
    out.sender = r.message.sender;
  } else {
    // Stored and acked; devices get it by sync. Say why live delivery was skipped.
    tools_.replies.Log(LogLevel::kWarning, "mqchat: fan-out skipped, members unknown: " +
                                               members.status().ToString());
  }
  return out;
}

}  // namespace mqchat::chat
