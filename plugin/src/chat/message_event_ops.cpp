#include "chat/message_event_ops.h"

#include <utility>

namespace mqchat::chat {

Plan MessageEventOps::Job(const OpRequest& r, std::string client_msg_id,
                             store::EventKind kind, int64_t target_seq, std::string text) {
  SendJob job;
  job.request.conversation_id = r.req.conversation_id;
  job.request.sender = r.who.username;
  job.request.client_msg_id = std::move(client_msg_id);
  job.request.text = std::move(text);
  job.request.message_id = ids_.Next();
  job.request.created_at_ms = tools_.clock.NowMs();
  job.request.kind = kind;
  job.request.target_seq = target_seq;
  job.request.edit_window_ms = edit_window_ms_;
  job.reply = r.to;
  return send_.WithinLimits(r, std::move(job));
}

Plan MessageEventOps::Edit(const OpRequest& r) {
  auto& body = std::get<protocol::EditRequest>(r.req.body);
  Plan plan = Job(r, std::move(body.client_msg_id), store::EventKind::kEdit, body.seq,
                  std::move(body.text));
  // The edit's mentions replace the message's (store/mentions.h); the store checks them.
  if (auto* job = std::get_if<SendJob>(&plan)) job->request.mentions = std::move(body.mentions);
  return plan;
}

Plan MessageEventOps::Delete(const OpRequest& r) {
  auto& body = std::get<protocol::DeleteRequest>(r.req.body);
  return Job(r, std::move(body.client_msg_id), store::EventKind::kDelete, body.seq, "");
}

Plan MessageEventOps::React(const OpRequest& r) {
  auto& body = std::get<protocol::ReactRequest>(r.req.body);
  return Job(r, std::move(body.client_msg_id),
             body.remove ? store::EventKind::kReactionRemove : store::EventKind::kReactionAdd,
             body.seq, std::move(body.emoji));
}

}  // namespace mqchat::chat
