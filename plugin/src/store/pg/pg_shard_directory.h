// The conversation -> shard directory of a sharded store (migration 029), in the global
// database, and the user rows the shards mirror from it. Owns one connection; confined to the
// thread that uses it. Built by ShardedChatStore (store/sharded_chat_store.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/chat_store.h"
#include "store/pg/pg_handles.h"

namespace mqchat::store {

class PgShardDirectory {
 public:
  static Result<PgShardDirectory> Create(PgConnPtr conn);

  // The shard of conversation `id`; nullopt if it has no row (it is in the global database).
  Result<std::optional<int>> Find(ConversationId id);

  // Records `id` on `shard` unless the id already has a row; returns the id's shard.
  Result<int> Claim(ConversationId id, int shard);

  // A direct conversation: the (id, shard) already recorded for `direct_key`, else records
  // (new_id, shard) for it and returns that.
  struct Placement {
    ConversationId id = 0;
    int shard = 0;
  };
  Result<Placement> ClaimDirect(const std::string& direct_key, ConversationId new_id, int shard);

  // True if the pair's direct conversation is in the global database itself (made before
  // shards were configured): it stays there.
  Result<bool> DirectInGlobal(const std::string& direct_key);

  // Resharding (mqchatctl conversation move): the row of `id` now names `shard`.
  Status Move(ConversationId id, int shard);

  // Of `names`, the users that exist in the global database and are not deleted, with their
  // created_at_ms: the rows a shard must hold before a conversation there names them.
  Result<std::vector<ChatStore::NewUser>> ActiveUsers(const std::vector<std::string>& names);

  // Of the uploads `ids`, those whose owner is the sender at the same index of `owners`, as a
  // JSON array of rows (PgChatStore::CopyUploads takes it); the finished ones are marked
  // referenced at `now_ms` (store/attachments.h: the API's sweep reads these rows).
  Result<std::string> TakeUploads(const std::vector<std::string>& ids,
                                  const std::vector<std::string>& owners, int64_t now_ms);

 private:
  explicit PgShardDirectory(PgConnection conn) : conn_(std::move(conn)) {}
  PgConnection conn_;
};

}  // namespace mqchat::store
