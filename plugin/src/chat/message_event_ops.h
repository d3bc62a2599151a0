// MessageEventOps: the message events of issue 16 (edit, delete for everyone, react/unreact).
// On the broker thread each request becomes a SendJob, like a send: it joins the writer's next
// AppendBatch, takes the conversation's next seq there (the store checks the rules under the
// conversation lock: store::EventRefusal), and is acked, fanned out and pushed (not: only
// messages are) by SendPipeline exactly as a message is. Broker thread.
#pragma once

#include <cstdint>

#include "chat/op_table.h"
#include "ids/snowflake.h"

namespace mqchat::chat {

class MessageEventOps {
 public:
  // `edit_window_ms`: how long after a message its sender may edit it; 0 = forever.
  MessageEventOps(const ChatTools& tools, SnowflakeGenerator& ids, int64_t edit_window_ms)
      : tools_(tools), ids_(ids), edit_window_ms_(edit_window_ms) {}

  Plan Edit(const OpRequest& r);
  Plan Delete(const OpRequest& r);
  Plan React(const OpRequest& r);

 private:
  SendJob Job(const OpRequest& r, std::string client_msg_id, store::EventKind kind,
              int64_t target_seq, std::string text);

  const ChatTools tools_;
  SnowflakeGenerator& ids_;
  const int64_t edit_window_ms_;
};

}  // namespace mqchat::chat
