// ChatService: sending messages, their acks and their fan-out.
#include "chat/chat_service.h"
#include "chat/wire_convert.h"
#include "protocol/wire.h"

namespace mqchat::chat {

bool ChatService::HandleSend(const ClientSession& who, protocol::Request& req, const ReplyTo& to) {
  auto& body = std::get<protocol::SendRequest>(req.body);
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
  job.request.conversation_id = req.conversation_id;
  job.request.sender = who.username;
  job.request.client_msg_id = std::move(body.client_msg_id);
  job.request.text = std::move(body.text);  // up to 100,000 characters: moved, not copied
  job.request.message_id = ids_.Next();
  job.request.created_at_ms = clock_.NowMs();
  job.reply = to;
  Status s = writer_->SubmitSend(std::move(job));
  if (!s.ok()) return Refuse(to, ErrorCodeFor(s, FailureSource::kQueue), s.message());
  return true;
}

// Writer thread. Builds every payload here so the broker thread only publishes.
void ChatService::OnBatchDone(store::ChatStore& store, std::vector<SendJob> jobs,
                              Result<std::vector<store::AppendResult>> results) {
  struct Outcome {
    ReplyTo to;
    std::string reply;
    std::string event;  // message event to fan out; empty if none
    std::vector<std::string> inboxes;
    std::string sender;
  };
  std::vector<Outcome> outcomes;
  outcomes.reserve(jobs.size());
  const int64_t now = clock_.NowMs();
  for (size_t i = 0; i < jobs.size(); ++i) {
    Outcome out;
    out.to = std::move(jobs[i].reply);
    if (!results.ok()) {
      // Nothing of the batch was committed: every sender may retry with the same client_msg_id.
      out.reply = ErrorPayload(out.to, ErrorCodeFor(results.status(), FailureSource::kStore),
                               "message not stored: " + results.status().message());
      outcomes.push_back(std::move(out));
      continue;
    }
    const store::AppendResult& r = (*results)[i];
    if (r.outcome == store::AppendOutcome::kNotMember) {
      out.reply = ErrorPayload(out.to, protocol::ErrorCode::kNotMember,
                               "you are not a member of conversation " +
                                   std::to_string(jobs[i].request.conversation_id));
      outcomes.push_back(std::move(out));
      continue;
    }
    protocol::WireAck ack;
    ack.conversation_id = r.message.conversation_id;
    ack.seq = r.message.seq;
    ack.message_id = r.message.message_id;
    ack.client_msg_id = r.message.client_msg_id;
    ack.server_time_ms = now;
    ack.duplicate = r.outcome == store::AppendOutcome::kDuplicate;
    out.reply = protocol::SendAckResponse(out.to.req_id, ack);
    if (r.outcome == store::AppendOutcome::kStored) {
      // Members at least as new as the commit: a cached list from before a membership change
      // made through another broker would deliver to a removed member, or miss an added one.
      auto members = LoadMembers(store, r.message.conversation_id, r.members_version);
      if (members.ok()) {
        out.inboxes = (*members)->usernames;
        out.event = protocol::MessageEvent(ToWire(r.message));
        out.sender = r.message.sender;
      } else {
        // Stored and acked; devices get it by sync. Say why live delivery was skipped.
        std::string why = members.status().ToString();
        tasks_.Post([this, why] {
          broker_.Log(LogLevel::kWarning, "mqchat: fan-out skipped, members unknown: " + why);
        });
      }
    }
    outcomes.push_back(std::move(out));
  }
  if (results.ok() && push_.jobs_recorded) {
    // The push jobs committed with these messages: wake the push worker now, not at its poll.
    for (size_t i = 0; i < jobs.size(); ++i) {
      if ((*results)[i].outcome == store::AppendOutcome::kStored &&
          !jobs[i].request.push_recipients.empty()) {
        push_.jobs_recorded();
        break;
      }
    }
  }
  // Acks go first: a sender learns its message is durable no later than the recipients.
  tasks_.Post([this, outcomes = std::move(outcomes)]() mutable {
    for (auto& out : outcomes) PublishReply(broker_, out.to, std::move(out.reply));
    for (const auto& out : outcomes) {
      if (!out.event.empty())
        PublishToInboxes(out.inboxes, out.event, 1, out.sender, out.to.client_id);
    }
  });
}

}  // namespace mqchat::chat
