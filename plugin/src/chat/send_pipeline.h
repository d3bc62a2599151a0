// SendPipeline: the path of a message. On the broker thread, Plan turns a send request into a
// job for the writer's next batch (message id and time assigned). On the writer thread, Commit
// runs one batch: push recipients (PushOps), one AppendBatch (group commit), then every result
// turned into its ack or error and its message event, posted to the broker thread, where
// FanOut publishes the acks first and then the events. Nothing is acknowledged or delivered
// before the batch is durable. Plan first applies the sender's limits (SendLimits): a send
// over them is refused with RATE_LIMITED and its wait, unless it may be an idempotent resend
// of a stored message, which the writer then answers with the original ack (only_if_stored).
// The message events (edit, delete, react: MessageEventOps) pass the same limits. A message
// (not an event) into a conversation in slow mode also waits out its interval: SlowMode answers
// early on the broker thread, the store decides (AppendOutcome::kSlowMode), across brokers.
#pragma once

#include <chrono>
#include <vector>

#include "chat/fan_out.h"
#include "chat/op_table.h"
#include "chat/send_limits.h"
#include "chat/slow_mode.h"
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
                                    store::EventRefusal refusal, const std::string& refused_user,
                                    const std::string& refused_attachment);
  // `channel`: a text channel's message (one publish to its topic, no inboxes).
  SendOutcome Stored(store::ChatStore& store, SendOutcome out, const store::AppendResult& r,
                     bool channel = false);
  // Writer thread: asks the store whether each channel job's sender may send there now and
  // marks the allowed ones AppendRequest::channel_sender.
  void ResolveChannelSenders(std::vector<SendJob>& jobs);
  struct Admission {
    int64_t wait_ms = 0;     // 0: admitted and charged
    bool slow_mode = false;  // refused by the conversation's slow mode
  };
  // Broker thread: whether `r`'s sender may send `request` now.
  Admission Admit(const OpRequest& r, const store::AppendRequest& request);
  std::string LimitMessage(const std::string& user) const;
  static std::string SlowModeMessage(int64_t wait_ms);
  // Writer thread: the store refused `request` (of MQTT client `client_id`) for slow mode;
  // tells the broker thread's SlowMode and SendLimits, as if refused there.
  void SlowModeRefused(const store::AppendRequest& request, const std::string& client_id,
                       int64_t wait_ms);
  // Writer thread: the metrics of one AppendBatch (metrics/instruments.h).
  static void RecordCommit(size_t batch, std::chrono::steady_clock::time_point started,
                           const Result<std::vector<store::AppendResult>>& results);

  const ChatTools tools_;
  SnowflakeGenerator& ids_;  // broker thread
  PushOps* const push_;
  SendLimits& limits_;  // broker thread
  SlowMode slow_;       // broker thread
};

}  // namespace mqchat::chat
