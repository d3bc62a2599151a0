// The SQL of SqliteChatStore's attachments (store/attachments.h; migrations 020 and 022):
// the lookup of a message's attachment, its message_attachments row, the referenced mark, and
// the unlinking a deletion or an expiry makes. Prepared once per connection.
#pragma once

#include "store/attachments.h"

namespace mqchat::store::sqlite_attachment_sql {

inline constexpr char kLookUp[] =
    "SELECT " MQCHAT_ATTACHMENT_LOOKUP_COLUMNS " FROM attachments WHERE id = ?1";
inline constexpr char kLink[] =
    "INSERT INTO message_attachments (conversation_id, seq, position, attachment_id) "
    "VALUES (?1, ?2, ?3, ?4)";
inline constexpr char kMarkReferenced[] =
    "UPDATE attachments SET referenced_at_ms = ?2 WHERE id = ?1 AND referenced_at_ms = 0";
// The messages of conversation ?1 with seq in ?2..?3 stop carrying attachments: those no other
// message carries are unmarked (the sweep purges them), then the rows go.
inline constexpr char kReleaseRange[] =
    "UPDATE attachments SET referenced_at_ms = 0 WHERE id IN (SELECT attachment_id FROM "
    "message_attachments WHERE conversation_id = ?1 AND seq BETWEEN ?2 AND ?3) AND NOT EXISTS "
    "(SELECT 1 FROM message_attachments o WHERE o.attachment_id = attachments.id AND NOT "
    "(o.conversation_id = ?1 AND o.seq BETWEEN ?2 AND ?3))";
inline constexpr char kUnlinkRange[] =
    "DELETE FROM message_attachments WHERE conversation_id = ?1 AND seq BETWEEN ?2 AND ?3";

}  // namespace mqchat::store::sqlite_attachment_sql
