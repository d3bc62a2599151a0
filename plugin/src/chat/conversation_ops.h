// ConversationOps: the requests that change conversations, run on the writer worker:
// open_direct, create_group, add_members, remove_member, leave, rename, and read markers. Each
// plans a writer task on the broker thread; the task answers the requester and tells the
// members (a conversation event, QoS 1) once the change committed.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chat/op_table.h"
#include "ids/snowflake.h"
#include "store/chat_store.h"

namespace mqchat::chat {

class ConversationOps {
 public:
  // Everything outlives this; `push` may be null (no push side: reads record no badge update).
  ConversationOps(const ChatTools& tools, SnowflakeGenerator& ids, int max_group_members,
                  PushOps* push = nullptr)
      : tools_(tools), ids_(ids), max_members_(max_group_members), push_(push) {}

  // Broker thread: plans for the writer worker.
  Plan OpenDirect(const OpRequest& r);
  Plan CreateGroup(const OpRequest& r);
  Plan AddMembers(const OpRequest& r);
  Plan RemoveMember(const OpRequest& r);  // also leave: the requester removes themself
  Plan Rename(const OpRequest& r);
  // Also of a text channel the user may view (the broker's access cache): their channel_reads
  // row, and the read event to their own devices only (a channel has no read receipts).
  Plan MarkRead(const OpRequest& r);

 private:
  // Writer thread: MarkRead of a channel `user` may view.
  void MarkChannelRead(store::ChatStore& store, const ReplyTo& to, const std::string& user,
                       const std::string& device, store::ConversationId id, int64_t seq);

  // Writer thread: answers and notifies after a membership change committed. `event` is a
  // protocol::values conversation event name; `added` is set for add_members only.
  void AfterMembershipChange(store::ChatStore& store, const ReplyTo& to, store::ConversationId id,
                             std::string_view event, const std::string& actor,
                             std::vector<std::string> users,
                             std::optional<std::vector<std::string>> added);

  // Writer thread: answers a refused change of conversation `id` by `actor`. An outsider (not
  // a member, or no such conversation) gets NOT_MEMBER whatever the store's reason, so no
  // answer tells them which ids exist or what kind they are; a member gets the store's reason.
  void Refuse(store::ChatStore& store, const ReplyTo& to, store::ConversationId id,
              const std::string& actor, const Status& refusal);

  const ChatTools tools_;
  SnowflakeGenerator& ids_;  // broker thread
  const int max_members_;
  PushOps* const push_;  // writer thread
};

}  // namespace mqchat::chat
