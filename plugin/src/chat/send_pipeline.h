// SendPipeline: the path of a message. On the broker thread, Plan turns a send request into a
// job for the writer's next batch (message id and time assigned). On the writer thread, Commit
// runs one batch: push recipients (PushOps), one AppendBatch (group commit), then every result
// turned into its ack or error and its message event, posted to the broker thread, where
// FanOut publishes the acks first and then the events. Nothing is acknowledged or delivered
// before the batch is durable. Plan first applies the sender's limits (SendLimits): a send
// over them is refused with RATE_LIMITED and its wait, unless it may be an idempotent resend
// of a stored message, which the writer then answers with the original ack (only_if_stored).
// The message events (edit, delete, react: MessageEventOps) pass the same limits.
#pragma once

#include <vector>

#include "chat/fan_out.h"
#include "chat/op_table.h"
#include "chat/send_limits.h"
#include "chat/store_worker.h"
#include "ids/snowflake.h"
#include "mqchat/status.h"
#include "store/chat_store.h"

namespace mqchat::chat {

class PushOps;

class SendPipeline {
 public:
  // Everything outlives this; `push` may be null (no push jobs).
  SendPipeline(const ChatTools& tools, SnowflakeGenerator& ids, PushOps* push,
               SendLimits& limits)
      : tools_(tools), ids_(ids), push_(push), limits_(limits) {}

  // Broker thread: the job for a send request. Takes the text out of `r.req`.
  Plan PlanSend(const OpRequest& r);
  // Broker thread: `job` (a message or a message event of `r`'s sender) if the sender's
  // limits admit it (then charged); over them, RATE_LIMITED with the wait, or the job marked
  // only_if_stored (an idempotent resend still gets its original ack).
  Plan WithinLimits(const OpRequest& r, SendJob job);

  // Writer thread: appends `jobs` in one transaction and posts their answers (StoreWorker's
  // batch runner).
  void Commit(store::ChatStore& store, std::vector<SendJob> jobs);

  // Writer thread: what became of each job given AppendBatch's `results` (results[i] answers
  // jobs[i]); loads the members of every stored message's conversation for its fan-out.
  std::vector<SendOutcome> Outcomes(store::ChatStore& store, std::vector<SendJob>& jobs,
                                    const Result<std::vector<store::AppendResult>>& results);

 private:
  static std::string RefusalPayload(const ReplyTo& to, const store::AppendRequest& req,
                                    store::EventRefusal refusal);
  // `channel`: a text channel's message (one publish to its topic, no inboxes).
  SendOutcome Stored(store::ChatStore& store, SendOutcome out, const store::AppendResult& r,
                     bool channel = false);
  // Writer thread: asks the store whether each channel job's sender may send there now and
  // marks the allowed ones AppendRequest::channel_sender.
  void ResolveChannelSenders(std::vector<SendJob>& jobs);
  // Broker thread: the wait before `r`'s sender may send (0: admitted and charged).
  int64_t Admit(const OpRequest& r, const std::string& client_msg_id);
  std::string LimitMessage(const std::string& user) const;

  const ChatTools tools_;
  SnowflakeGenerator& ids_;  // broker thread
  PushOps* const push_;
  SendLimits& limits_;  // broker thread
};

}  // namespace mqchat::chat
