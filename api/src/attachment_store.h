// AttachmentStore: the API service's rows of uploads and attachments (migration 020), on the
// brokers' database: one row per upload, from its creation through its chunks to its finish,
// and the read check of a download (the owner, or a member of a conversation one of whose
// messages carries it: message_attachments, written by the brokers in the message's
// transaction). Behind one interface for SQLite and PostgreSQL; an instance owns one
// connection and is confined to one thread at a time (leased from the StorePool).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mqchat/status.h"
#include "store/store_config.h"

namespace mqchat::api {

struct AttachmentRecord {
  std::string id;  // a BlobStore-shaped id (blob_store.h), also the upload's id
  std::string owner;
  std::string name;           // the file name the client gave (UTF-8, no path)
  std::string declared_type;  // the type the client claimed
  int64_t size = 0;           // the declared (and, once finished, exact) size
  int64_t received = 0;       // bytes received so far, from offset 0
  bool finished = false;
  std::string content_type;   // the type told by the content (finished only)
  int width = 0, height = 0;  // pictures only
  std::string blob_id, thumb_id;  // finished only; thumb_id "" if no thumbnail
  int64_t created_at_ms = 0, finished_at_ms = 0, referenced_at_ms = 0;
};

class AttachmentStore {
 public:
  virtual ~AttachmentStore() = default;

  virtual Status Create(const AttachmentRecord& record) = 0;
  virtual Result<std::optional<AttachmentRecord>> Get(const std::string& id) = 0;
  // Unfinished uploads `owner` holds.
  virtual Result<int64_t> CountUnfinished(const std::string& owner) = 0;
  // Records the bytes received of an unfinished upload.
  virtual Status SetReceived(const std::string& id, int64_t received) = 0;
  // Makes an unfinished upload finished with record's type, size, dimensions and blobs; false
  // if it was finished (or deleted) meanwhile.
  virtual Result<bool> Finish(const AttachmentRecord& record, int64_t now_ms) = 0;
  // Whether `user` owns `id` or is a member of a conversation where a message carries it.
  virtual Result<bool> CanRead(const std::string& id, const std::string& user) = 0;
  // The text channels (issue 18) where a message carries `id`: who may read it there is the
  // channel's view permission (attachment_access.h), not a members row.
  virtual Result<std::vector<int64_t>> ChannelsOf(const std::string& id) = 0;
  // Attachments no message carries, created before `cutoff_ms`: at most `limit`, oldest first.
  virtual Result<std::vector<AttachmentRecord>> Unreferenced(int64_t cutoff_ms, int limit) = 0;
  // Deletes `id` if no message carries it yet (a send racing the sweep wins); true if deleted.
  virtual Result<bool> DeleteUnreferenced(const std::string& id) = 0;

  // With --pg_shards (shard_upload_release.h; PostgreSQL only, the others answer
  // kFailedPrecondition). On a shard: up to `limit` uploads, oldest first, whose copy there no
  // message carries and that are not reconciled yet (referenced_at_ms 0: released by a deletion,
  // an expiry or an erasure there, or copied for a send that was refused).
  virtual Result<std::vector<std::string>> UnlinkedCopies(int limit);
  // Whether a message of this database carries `id`.
  virtual Result<bool> Carried(const std::string& id);
  // On the global database: unmarks `id` (the sweep may purge it) if its mark is still
  // `referenced_at_ms` (no send took it since it was read) and no message here carries it;
  // true if it did.
  virtual Result<bool> Release(const std::string& id, int64_t referenced_at_ms);
  // On a shard: marks the copy of `id` reconciled (referenced_at_ms -1, out of UnlinkedCopies)
  // unless a message there took it meanwhile.
  virtual Status MarkReconciled(const std::string& id);
};

using AttachmentStorePtr = std::unique_ptr<AttachmentStore>;

// Connects to `config`'s database, which must already be migrated (OpenAccountStore does it).
Result<AttachmentStorePtr> OpenAttachmentStore(const store::StoreConfig& config);

namespace attachment_sql {
// ?N placeholders (store::PgPlaceholders turns them into $N). Columns of kColumns, in AttachmentRecord order.
#define MQCHAT_ATTACHMENT_COLUMNS                                                            \
  "id, owner, name, declared_type, size, received, state, content_type, width, height, "    \
  "blob_id, thumb_id, created_at_ms, finished_at_ms, referenced_at_ms"
inline constexpr char kCreate[] =
    "INSERT INTO attachments (id, owner, name, declared_type, size, created_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
inline constexpr char kGet[] =
    "SELECT " MQCHAT_ATTACHMENT_COLUMNS " FROM attachments WHERE id = ?1";
inline constexpr char kCountUnfinished[] =
    "SELECT COUNT(*) FROM attachments WHERE owner = ?1 AND state = 0";
inline constexpr char kSetReceived[] =
    "UPDATE attachments SET received = ?2 WHERE id = ?1 AND state = 0";
inline constexpr char kFinish[] =
    "UPDATE attachments SET state = 1, size = ?2, content_type = ?3, width = ?4, height = ?5, "
    "blob_id = ?6, thumb_id = ?7, finished_at_ms = ?8, received = ?2 WHERE id = ?1 AND state = 0";
inline constexpr char kCanRead[] =
    "SELECT 1 FROM attachments WHERE id = ?1 AND owner = ?2 UNION ALL "
    "SELECT 1 FROM message_attachments ma JOIN members m ON m.conversation_id = "
    "ma.conversation_id AND m.username = ?2 WHERE ma.attachment_id = ?1 LIMIT 1";
inline constexpr char kChannelsOf[] =
    "SELECT DISTINCT ma.conversation_id FROM message_attachments ma JOIN channels ch "
    "ON ch.channel_id = ma.conversation_id WHERE ma.attachment_id = ?1";
inline constexpr char kUnreferenced[] =
    "SELECT " MQCHAT_ATTACHMENT_COLUMNS " FROM attachments WHERE referenced_at_ms = 0 "
    "AND created_at_ms < ?1 ORDER BY created_at_ms LIMIT ?2";
inline constexpr char kDeleteUnreferenced[] =
    "DELETE FROM attachments WHERE id = ?1 AND referenced_at_ms = 0";
// shard_upload_release.h's statements (PostgreSQL).
#define MQCHAT_NOT_CARRIED(ID) \
  "NOT EXISTS (SELECT 1 FROM message_attachments m WHERE m.attachment_id = " ID ")"
inline constexpr char kUnlinkedCopies[] =
    "SELECT a.id FROM attachments a WHERE a.referenced_at_ms = 0 "
    "AND " MQCHAT_NOT_CARRIED("a.id") " ORDER BY a.created_at_ms LIMIT ?1";
inline constexpr char kCarried[] =
    "SELECT 1 FROM message_attachments WHERE attachment_id = ?1 LIMIT 1";
inline constexpr char kRelease[] =
    "UPDATE attachments SET referenced_at_ms = 0 WHERE id = ?1 AND referenced_at_ms = ?2 "
    "AND referenced_at_ms <> 0 AND " MQCHAT_NOT_CARRIED("?1");
inline constexpr char kMarkReconciled[] =
    "UPDATE attachments SET referenced_at_ms = -1 WHERE id = ?1 AND referenced_at_ms = 0 "
    "AND " MQCHAT_NOT_CARRIED("?1");
}  // namespace attachment_sql

Result<AttachmentStorePtr> OpenSqliteAttachmentStore(const std::string& path);
Result<AttachmentStorePtr> OpenPgAttachmentStore(const std::string& conninfo);

}  // namespace mqchat::api
