// Resharding: moves one conversation to another shard of a sharded store (StoreConfig::
// pg_shards; `mqchatctl conversation move`). Safe while its members keep sending through the
// brokers: nothing acknowledged is lost and no seq changes (docs/ARCHITECTURE.md, "Sharding by
// conversation"). Any thread; opens its own connections.
#pragma once

#include <cstdint>

#include "mqchat/status.h"
#include "store/chat_store.h"
#include "store/store_config.h"

namespace mqchat::store {

struct ShardMove {
  int from = 0;
  int to = 0;
  int64_t rows = 0;       // rows copied, every table
  int64_t last_seq = 0;   // the conversation's last seq when it moved
  int64_t locked_ms = 0;  // how long its sends waited (the old shard's lock was held)
};

// Moves conversation `id` from its shard to shard `to`:
//  1. on the old shard, locks the conversation row (sends to it wait, as behind a long batch);
//  2. copies its rows (conversation, members, messages, resend keys, reactions, mentions,
//     attachments' links, mutes, its search index) into the new shard, replacing a copy an
//     interrupted move left there, and commits them;
//  3. points the directory at the new shard;
//  4. deletes the rows from the old shard and commits, which lets the waiting sends go on: they
//     find the conversation gone, and the brokers' stores send them again to the new shard
//     (ShardedChatStore: a moved conversation's NOT_MEMBER is checked against the directory).
// A failure before step 3 leaves the old shard as it was (run the move again); kNotFound if
// `id` is not on a shard (conversations in the global database are not moved yet);
// kInvalidArgument if it is on `to` already or `to` is not a shard.
Result<ShardMove> MoveConversation(const StoreConfig& config, ConversationId id, int to);

}  // namespace mqchat::store
