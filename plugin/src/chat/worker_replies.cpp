#include "chat/worker_replies.h"

#include "metrics/instruments.h"

namespace mqchat::chat {

void WorkerReplies::Reply(const ReplyTo& to, std::string payload) {
  tasks_.Post([this, to, payload = std::move(payload)]() mutable {
    fan_out_.Reply(to, std::move(payload));
  });
}

void WorkerReplies::Fail(const ReplyTo& to, const Status& status) {
  // The store's own failures (unreachable, or an error it should not give), not a refusal.
  if (status.code() == Code::kUnavailable || status.code() == Code::kInternal) {
    metrics::Get().store_request_errors.Inc();
  }
  Reply(to, ErrorPayload(to, ErrorCodeFor(status, FailureSource::kStore), status.message()));
}

void WorkerReplies::NotMember(const ReplyTo& to, store::ConversationId id) {
  Reply(to, ErrorPayload(to, protocol::ErrorCode::kNotMember,
                         "you are not a member of conversation " + std::to_string(id)));
}

void WorkerReplies::Broadcast(std::vector<std::string> users, std::string payload) {
  tasks_.Post([this, users = std::move(users), payload = std::move(payload)] {
    fan_out_.ToInboxes(users, payload);
  });
}

void WorkerReplies::MembersChanged(std::vector<std::string> members) {
  tasks_.Post([this, members = std::move(members)] {
    if (members_changed_) members_changed_(members);
  });
}

void WorkerReplies::SendResults(std::vector<SendOutcome> outcomes) {
  tasks_.Post([this, outcomes = std::move(outcomes)]() mutable {
    fan_out_.SendResults(std::move(outcomes));
  });
}

void WorkerReplies::Log(LogLevel level, std::string message) {
  tasks_.Post([this, level, message = std::move(message)] { fan_out_.Log(level, message); });
}

}  // namespace mqchat::chat
