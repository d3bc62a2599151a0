// ReportOps: the `report` request (issue 24): a user reports another user, or a message of a
// conversation they are a member of (or of a text channel they may view now, as history
// decides from the broker's channel access cache), with a reason from a fixed list
// (protocol/report.h). On the broker thread, a per-user limit (RATE_LIMITED with the wait); on
// the writer, the checks (a message only in a conversation the reporter is in: NOT_MEMBER
// otherwise, the same answer whether or not the conversation exists; then UNKNOWN_MESSAGE or
// MESSAGE_DELETED), a copy of
// the message's text, and the report filed in the moderation queue (store::ReportStore, once
// per client_msg_id), which the operator reads with `mqchatctl reports`.
#pragma once

#include <cstdint>
#include <string>

#include "chat/op_table.h"
#include "protocol/requests.h"
#include "store/report_store.h"
#include "util/rate_limiter.h"

namespace mqchat::chat {

class ReportOps {
 public:
  // `reports` (may be null: the op answers UNAVAILABLE) is used on the writer thread only. At
  // most `per_minute` reports per user and minute.
  ReportOps(const ChatTools& tools, store::ReportStorePtr reports, int per_minute)
      : tools_(tools),
        reports_(std::move(reports)),
        per_minute_(per_minute),
        limiter_(RateLimiter::PerWindow(per_minute, 60000)) {}

  // Broker thread: refused, or a task for the writer.
  Plan Report(const OpRequest& r);

 private:
  // Writer thread: checks and files the report of `reporter`, then answers. `channel`: the
  // message's conversation is a text channel the reporter may view (no members rows).
  void File(store::ChatStore& store, const ReplyTo& to, const std::string& reporter,
            const protocol::ReportRequest& body, int64_t now_ms, bool channel);
  // Writer thread: the reported message (its text copied into `out`), or false once answered
  // with the refusal.
  bool FindMessage(store::ChatStore& store, const ReplyTo& to, const std::string& reporter,
                   const protocol::ReportRequest& body, bool channel, store::NewReport* out);

  const ChatTools tools_;
  const store::ReportStorePtr reports_;  // writer thread
  const int per_minute_;
  RateLimiter limiter_;  // broker thread
};

}  // namespace mqchat::chat
