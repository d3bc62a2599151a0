// ReadOps: the read-only requests: history, members, conversations, sync. Each plans a task
// for the requesting user's reader (WorkerKind::kUserReader), so one user's reads are answered
// in the order they were sent, after their contacts were loaded (reader_pool.h).
#pragma once

#include <string>

#include "chat/op_table.h"
#include "protocol/wire.h"

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
  // Broker thread: true if `id` is a text channel `user` may view now (chat/channel_access.h);
  // a channel has no members rows, so this stands in for membership.
  bool ViewsChannel(const std::string& user, store::ConversationId id) const;
  // Reader thread: sync's page of one conversation above `cursor`, if it has any.
  Status SyncOne(store::ChatStore& store, store::ConversationId id, int64_t last_seq,
                 int64_t cursor, int limit, protocol::WireSyncPage& page);

  const ChatTools tools_;
};

}  // namespace mqchat::chat
