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

inline constexpr const PgStatement* kAll[] = {&kLookUp, &kLink};

}  // namespace mqchat::store::pg_attachment_sql
