// ReleaseShardUploads: with --pg_shards, the global database's upload rows (the ones the sweep
// reads) learn the releases made on the shards (docs/ARCHITECTURE.md, "Sharding by
// conversation", Attachments). A message on a shard that stops carrying an upload (deleted for
// everyone, expired, erased) releases the shard's copy in its own transaction
// (store/attachments.h); the global row cannot be in that transaction. So the shard's copy keeps
// the release (referenced_at_ms 0, no message there carries it) until a round of this reconcile
// has unmarked the global row, and only then is marked reconciled (-1): a crash between the two
// commits, or a database that could not be reached, leaves the copy as it was, and a later round
// does it. A global row is unmarked only if no database carries the upload (every one answered),
// and only if no send took it within `grace_ms` (every send on a shard marks the global row
// first, PgShardDirectory::TakeUploads, then commits on the shard: a send on its way is not
// visible on its shard yet), and only if that mark is unchanged when it is unmarked.
// Run by the UploadSweeper's thread before each sweep; confined to the lease's thread.
#pragma once

#include <cstdint>

#include "mqchat/status.h"
#include "store_pool.h"

namespace mqchat::api {

// One round over every shard (at most 100 copies each): the number of global rows unmarked.
// Stops at the first database that cannot be asked (kUnavailable; what it did so far stays).
Result<int> ReleaseShardUploads(StoreLease& store, int64_t now_ms, int64_t grace_ms);

}  // namespace mqchat::api
