// RetentionOps: the `set_retention` request (issue 24; protocol/retention.h): an owner or admin
// of a group sets how long it keeps its messages (days; 0 forever; null back to the server's
// default, plugin_opt_retention_days). On the writer, through the RetentionStore, which checks
// the role and writes the audit row in the same transaction; the retention sweeper
// (retention/retention_sweeper.h) applies it at its next sweep. Answers with the setting.
// `set_slow_mode` (protocol/slow_mode.h), the other setting of a group's owners and admins, is
// set the same way; the writer then reloads the conversation into the membership cache, so
// this broker's send path (chat/slow_mode.h) applies it at once (others at their next fan-out
// in the conversation: the change raised members_version). A text channel's slow mode
// (issue 18) is set through the channel access (chat/channel_access.h) instead.
#pragma once

#include "chat/op_table.h"
#include "store/retention_store.h"

namespace mqchat::chat {

class RetentionOps {
 public:
  // `store` (may be null: the op answers UNAVAILABLE) is used on the writer thread only.
  RetentionOps(const ChatTools& tools, store::RetentionStorePtr store)
      : tools_(tools), store_(std::move(store)) {}

  // Broker thread: refused, or a task for the writer.
  Plan SetRetention(const OpRequest& r);
  Plan SetSlowMode(const OpRequest& r);

 private:
  const ChatTools tools_;
  const store::RetentionStorePtr store_;  // writer thread
};

}  // namespace mqchat::chat
