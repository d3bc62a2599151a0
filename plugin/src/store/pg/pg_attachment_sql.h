// The SQL of PgChatStore's attachments (store/attachments.h; migrations 020 and 022): the
// lookup of the batch's attachments, the message_attachments rows and referenced marks of new
// messages, and the release a deletion, an expiry or an erasure makes. Prepared with the chat
// store's statements (the release is a part of other stores' statements).
#pragma once

#include "store/attachments.h"
#include "store/pg/pg_handles.h"

// Two CTEs (`released`, `unlinked`) a statement with the conversation in $1 puts in its WITH:
// the messages with seq in LO..HI stop carrying attachments; those no other message carries
// are unmarked (the API's sweep purges them), and their message_attachments rows go. Both see
// the rows as they were before the statement.
#define MQCHAT_PG_RELEASE_ATTACHMENTS(LO, HI)                                                    \
  "released AS (UPDATE attachments a SET referenced_at_ms = 0 WHERE a.id IN (SELECT "           \
  "attachment_id FROM message_attachments WHERE conversation_id = $1::bigint AND seq BETWEEN "  \
  LO " AND " HI ") AND NOT EXISTS (SELECT 1 FROM message_attachments o WHERE o.attachment_id "  \
  "= a.id AND NOT (o.conversation_id = $1::bigint AND o.seq BETWEEN " LO " AND " HI "))), "     \
  "unlinked AS (DELETE FROM message_attachments WHERE conversation_id = $1::bigint AND seq "    \
  "BETWEEN " LO " AND " HI ")"

namespace mqchat::store::pg_attachment_sql {

// The rows of ids $1, locked (ordered by id, so two batches never deadlock) until the
// message's transaction ends: the API's sweep then cannot delete one a message is taking.
inline constexpr PgStatement kLookUp = {
    "mqchat_attachment_lookup",
    "SELECT id, " MQCHAT_ATTACHMENT_LOOKUP_COLUMNS " FROM attachments "
    "WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE"};
// Rows (conversation $1, seq $2, position $3, attachment $4) and the marks ($4 at $5).
inline constexpr PgStatement kLink = {
    "mqchat_attachment_link",
    "WITH linked AS (INSERT INTO message_attachments (conversation_id, seq, position, "
    "attachment_id) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::smallint[], "
    "$4::text[])) UPDATE attachments a SET referenced_at_ms = m.at FROM unnest($4::text[], "
    "$5::bigint[]) AS m(id, at) WHERE a.id = m.id AND a.referenced_at_ms = 0"};

// A sharded store (store/sharded_chat_store.h): the global database's rows of the uploads
// ($1) their senders ($2, pairwise) own, as JSON; the finished ones marked referenced at $3
// (the API's sweep, which reads the global rows, keeps them), before a shard's send carries
// them. Every take moves the mark forward (at least by 1), so that the API's reconcile of the
// shards' releases (api/src/shard_upload_release.h) sees a send on its way and leaves the row.
inline constexpr PgStatement kTakeUploads = {
    "mqchat_attachment_take_uploads",
    "WITH m AS (UPDATE attachments a SET referenced_at_ms = CASE WHEN a.state = 1 THEN "
    "GREATEST($3::bigint, a.referenced_at_ms + 1) ELSE a.referenced_at_ms END FROM "
    "unnest($1::text[], "
    "$2::text[]) AS r(id, owner) WHERE a.id = r.id AND a.owner = r.owner RETURNING a.id, "
    "a.owner, a.name, a.declared_type, a.size, a.received, a.state, a.content_type, a.width, "
    "a.height, a.blob_id, a.thumb_id, a.created_at_ms, a.finished_at_ms) "
    "SELECT COALESCE(json_agg(m), '[]'::json)::text FROM m"};
// On the shard: those rows ($1, kTakeUploads' JSON) copied or brought up to date, so the send's
// lookup (kLookUp) finds them there; the shard's referenced mark is its own (0 when no message
// there carries the upload and the global row has not been told; -1 once it has: a new copy
// makes it 0 again, so a send refused here still leaves it for the reconcile).
#define MQCHAT_PG_UPLOAD_COLUMNS                                                         \
  "id, owner, name, declared_type, size, received, state, content_type, width, height, " \
  "blob_id, thumb_id, created_at_ms, finished_at_ms"
inline constexpr PgStatement kCopyUploads = {
    "mqchat_attachment_copy_uploads",
    "INSERT INTO attachments (" MQCHAT_PG_UPLOAD_COLUMNS ") SELECT " MQCHAT_PG_UPLOAD_COLUMNS
    " FROM json_populate_recordset(NULL::attachments, $1::json) ON CONFLICT (id) DO UPDATE SET "
    "size = EXCLUDED.size, received = EXCLUDED.received, state = EXCLUDED.state, "
    "content_type = EXCLUDED.content_type, width = EXCLUDED.width, height = EXCLUDED.height, "
    "blob_id = EXCLUDED.blob_id, thumb_id = EXCLUDED.thumb_id, "
    "finished_at_ms = EXCLUDED.finished_at_ms, referenced_at_ms = CASE WHEN "
    "attachments.referenced_at_ms = -1 THEN 0 ELSE attachments.referenced_at_ms END"};

inline constexpr const PgStatement* kAll[] = {&kLookUp, &kLink, &kCopyUploads};

}  // namespace mqchat::store::pg_attachment_sql
