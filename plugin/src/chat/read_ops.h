// ReadOps: the read-only requests: history, members, conversations, sync. Each plans a task
// for the requesting user's reader (WorkerKind::kUserReader), so one user's reads are answered
// in the order they were sent, after their contacts were loaded (reader_pool.h).
#pragma once

#include "chat/op_table.h"

namespace mqchat::chat {

class ReadOps {
 public:
  explicit ReadOps(const ChatTools& tools) : tools_(tools) {}

  // Broker thread: plans for the user's reader.
  Plan History(const OpRequest& r);
  Plan Members(const OpRequest& r);
  Plan Conversations(const OpRequest& r);
  Plan Sync(const OpRequest& r);

 private:
  const ChatTools tools_;
};

}  // namespace mqchat::chat
