// BlockOps: the requests of blocking and "who may message me": block, unblock and set_dm_policy
// (writer worker) and blocks (the user's reader). Each answers with the user's block list and
// dm_policy (protocol/privacy.h); a change also sends that to every device of the user as a
// "privacy" inbox event, as `mute` does. Refusing blocked senders is the store's part
// (store/block_steps.h), in the transactions of open_direct and send.
#pragma once

#include <functional>
#include <string>

#include "chat/op_table.h"
#include "protocol/privacy.h"
#include "store/chat_store.h"

namespace mqchat::chat {

// Broker thread, after a block (`blocked` true) or an unblock committed.
using BlockChangedHook =
    std::function<void(const std::string& blocker, const std::string& blocked, bool blocked_now)>;

class BlockOps {
 public:
  // `tools` outlives this; `changed` may be empty.
  BlockOps(const ChatTools& tools, BlockChangedHook changed)
      : tools_(tools), changed_(std::move(changed)) {}

  // Broker thread: plans for the worker of the op's route.
  Plan Block(const OpRequest& r);
  Plan Unblock(const OpRequest& r);
  Plan Blocks(const OpRequest& r);
  Plan SetDmPolicy(const OpRequest& r);

 private:
  // Worker thread: answers with the user's settings as they are now; `changed`: also tells
  // the user's devices.
  void AnswerSettings(store::ChatStore& store, const ReplyTo& to, const std::string& user,
                      bool changed);
  // Worker thread: the error response of a refused block (nothing changed).
  void RefuseBlock(const ReplyTo& to, const Status& status);

  const ChatTools tools_;
  const BlockChangedHook changed_;
};

protocol::WirePrivacy ToWire(const store::PrivacySettings& settings);

}  // namespace mqchat::chat
