// WorkerReplies: how the store workers answer. Workers never publish: every reply, broadcast,
// members-changed notice and log line is posted to the broker thread (BrokerTaskQueue, FIFO, so
// one worker's answers keep their order) and published there by FanOut. Any thread.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "chat/fan_out.h"
#include "chat/reply.h"
#include "mqchat/status.h"
#include "store/chat_store.h"
#include "util/broker_task_queue.h"

namespace mqchat::chat {

// Called on the broker thread with the members of a conversation after a membership change
// committed (so contact sets can grow).
using MembersChangedHook = std::function<void(const std::vector<std::string>& members)>;

class WorkerReplies {
 public:
  // `tasks` and `fan_out` outlive this; `members_changed` may be empty.
  WorkerReplies(BrokerTaskQueue& tasks, FanOut& fan_out, MembersChangedHook members_changed)
      : tasks_(tasks), fan_out_(fan_out), members_changed_(std::move(members_changed)) {}

  void Reply(const ReplyTo& to, std::string payload);
  // The error response for a failed store call.
  void Fail(const ReplyTo& to, const Status& status);
  // NOT_MEMBER: "you are not a member of conversation <id>".
  void NotMember(const ReplyTo& to, store::ConversationId id);
  // `payload` to each user's inbox (QoS 1).
  void Broadcast(std::vector<std::string> users, std::string payload);
  void MembersChanged(std::vector<std::string> members);
  void SendResults(std::vector<SendOutcome> outcomes);
  void Log(LogLevel level, std::string message);
  // Runs `task` on the broker thread, after everything posted before it.
  void OnBrokerThread(BrokerTaskQueue::Task task) { tasks_.Post(std::move(task)); }

 private:
  BrokerTaskQueue& tasks_;
  FanOut& fan_out_;
  const MembersChangedHook members_changed_;
};

}  // namespace mqchat::chat
