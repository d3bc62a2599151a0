// MessageEventOps: the message events of issue 16 (edit, delete for everyone, react/unreact).
// On the broker thread each request becomes a SendJob, like a send, within the sender's send
// limits (the same budget as messages, SendPipeline::WithinLimits: a flood of reactions or
// edits is refused RATE_LIMITED as one of messages is). It joins the writer's next AppendBatch,
// takes the conversation's next seq there (the store checks the rules under the conversation
// lock: store::EventRefusal), and is acked, fanned out and pushed (not: only messages are) by
// SendPipeline exactly as a message is. Broker thread.
#pragma once

#include <cstdint>

#include "chat/op_table.h"
#include "chat/send_pipeline.h"
#include "ids/snowflake.h"

namespace mqchat::chat {

class MessageEventOps {
 public:
  // `edit_window_ms`: how long after a message its sender may edit it; 0 = forever.
  // `send` applies the sender's limits (the same budget as messages).
  MessageEventOps(const ChatTools& tools, SnowflakeGenerator& ids, SendPipeline& send,
                  int64_t edit_window_ms)
      : tools_(tools), ids_(ids), send_(send), edit_window_ms_(edit_window_ms) {}

  Plan Edit(const OpRequest& r);
  Plan Delete(const OpRequest& r);
  Plan React(const OpRequest& r);

 private:
  // The job of `r`, within the sender's limits (SendPipeline::WithinLimits).
  Plan Job(const OpRequest& r, std::string client_msg_id, store::EventKind kind,
              int64_t target_seq, std::string text);

  const ChatTools tools_;
  SnowflakeGenerator& ids_;
  SendPipeline& send_;
  const int64_t edit_window_ms_;
};

}  // namespace mqchat::chat
