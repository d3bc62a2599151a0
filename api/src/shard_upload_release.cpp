#include "shard_upload_release.h"

#include <string>
#include <vector>

namespace mqchat::api {
namespace {

constexpr int kCopiesPerShard = 100;

// Whether a message of any database carries `id` (every one must answer).
Result<bool> CarriedAnywhere(StoreLease& store, const std::string& id) {
  MQCHAT_ASSIGN_OR_RETURN(bool carried, store.attachments().Carried(id));
  for (size_t i = 0; i < store.shard_count() && !carried; ++i) {
    MQCHAT_ASSIGN_OR_RETURN(AttachmentStore * shard, store.shard_attachments(i));
    MQCHAT_ASSIGN_OR_RETURN(carried, shard->Carried(id));
  }
  return carried;
}

Status OnlyOnPostgres() {
  return Status::FailedPrecondition("PostgreSQL shards are PostgreSQL only");
}

}  // namespace

// The defaults, for the stores that are never shards (SQLite).
Result<std::vector<std::string>> AttachmentStore::UnlinkedCopies(int) { return OnlyOnPostgres(); }
Result<bool> AttachmentStore::Carried(const std::string&) { return OnlyOnPostgres(); }
Result<bool> AttachmentStore::Release(const std::string&, int64_t) { return OnlyOnPostgres(); }
Status AttachmentStore::MarkReconciled(const std::string&) { return OnlyOnPostgres(); }

Result<int> ReleaseShardUploads(StoreLease& store, int64_t now_ms, int64_t grace_ms) {
  int released = 0;
  for (size_t i = 0; i < store.shard_count(); ++i) {
    MQCHAT_ASSIGN_OR_RETURN(AttachmentStore * shard, store.shard_attachments(i));
    MQCHAT_ASSIGN_OR_RETURN(std::vector<std::string> ids, shard->UnlinkedCopies(kCopiesPerShard));
    for (const std::string& id : ids) {
      MQCHAT_ASSIGN_OR_RETURN(auto global, store.attachments().Get(id));
      // A row swept already, or never marked (an unfinished upload's copy): nothing to release.
      if (global.has_value() && global->referenced_at_ms != 0) {
        if (global->referenced_at_ms > now_ms - grace_ms) continue;  // a send may be on its way
        MQCHAT_ASSIGN_OR_RETURN(bool carried, CarriedAnywhere(store, id));
        if (!carried) {
          MQCHAT_ASSIGN_OR_RETURN(bool done,
                                  store.attachments().Release(id, global->referenced_at_ms));
          if (!done) continue;  // taken meanwhile: looked at again next round
          ++released;
        }
      }
      MQCHAT_RETURN_IF_ERROR(shard->MarkReconciled(id));
    }
  }
  return released;
}

}  // namespace mqchat::api
