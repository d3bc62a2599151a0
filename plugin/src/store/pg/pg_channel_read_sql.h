// The SQL of PgChatStore's channel read state (migration 024, channel_reads; docs/PROTOCOL.md
// "Channel read markers"): a reader's row, made on their first read or send. Prepared with the
// chat store's statements.
#pragma once

#include "store/pg/pg_handles.h"

namespace mqchat::store::pg_channel_read_sql {

// $1 channel, $2 user, $3 seq: read_seq = max(current, min($3, last_seq)); no row returned if
// the channel has no conversation.
inline constexpr PgStatement kMark = {
    "mqchat_channel_read_mark",
    "INSERT INTO channel_reads (username, channel_id, read_seq) "
    "SELECT $2::text, c.conversation_id, GREATEST(0, LEAST($3::bigint, c.last_seq)) "
    "FROM conversations c WHERE c.conversation_id = $1::bigint "
    "ON CONFLICT (username, channel_id) DO UPDATE "
    "SET read_seq = GREATEST(channel_reads.read_seq, EXCLUDED.read_seq) RETURNING read_seq"};
// The senders' newest messages of a batch in channels: (channel $1, user $2, seq $3).
inline constexpr PgStatement kAdvance = {
    "mqchat_channel_read_advance",
    "INSERT INTO channel_reads (channel_id, username, read_seq) "
    "SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[]) "
    "ON CONFLICT (username, channel_id) DO UPDATE "
    "SET read_seq = GREATEST(channel_reads.read_seq, EXCLUDED.read_seq)"};

inline constexpr const PgStatement* kAll[] = {&kMark, &kAdvance};

}  // namespace mqchat::store::pg_channel_read_sql
