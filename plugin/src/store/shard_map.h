// The shards of the conversations (StoreConfig::pg_shards): the option's text to a list, and
// the shard a new conversation goes to. Pure; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::store {

inline constexpr int kMaxShardWeight = 1000;
inline constexpr size_t kMaxShards = 256;

// "CONNINFO; CONNINFO; ..." (libpq conninfo strings or URIs, separated by ';'), each optionally
// led by "weight=N " (0..kMaxShardWeight; default 1). kInvalidArgument naming the entry for an
// empty entry, a bad weight, more than kMaxShards, or no shard that takes new conversations.
Result<std::vector<PgShard>> ParseShardList(std::string_view text);

// The shard (an index into `shards`) for a new conversation whose placement key is `key`:
// weighted rendezvous hashing, so each shard gets a share of new keys proportional to its
// weight, and adding a shard takes only its share from the others (existing conversations
// never move: the directory remembers where each one is). -1 if no shard has a weight.
int ChooseShard(uint64_t key, const std::vector<PgShard>& shards);

// The placement key of a direct conversation (its direct_key, store/chat_rules.h): a stable
// 64-bit FNV-1a hash, the same in every process and build.
uint64_t PlacementKey(std::string_view direct_key);

}  // namespace mqchat::store
