// The SQL of SqliteChatStore's channel read state (migration 024, channel_reads; docs/
// PROTOCOL.md "Channel read markers"): a reader's row, made on their first read or send.
// Prepared once per connection.
#pragma once

namespace mqchat::store::sqlite_channel_read_sql {

// ?1 channel, ?2 user, ?3 seq: read_seq = max(current, min(?3, last_seq)); no row returned if
// the channel has no conversation. The WHERE keeps SQLite's upsert parser unambiguous.
inline constexpr char kMark[] =
    "INSERT INTO channel_reads (username, channel_id, read_seq) "
    "SELECT ?2, c.conversation_id, MAX(0, MIN(?3, c.last_seq)) FROM conversations c "
    "WHERE c.conversation_id = ?1 "
    "ON CONFLICT (username, channel_id) DO UPDATE "
    "SET read_seq = MAX(channel_reads.read_seq, excluded.read_seq) RETURNING read_seq";
// ?1 channel, ?2 user, ?3 the seq of their newest message in a batch.
inline constexpr char kAdvance[] =
    "INSERT INTO channel_reads (username, channel_id, read_seq) VALUES (?2, ?1, ?3) "
    "ON CONFLICT (username, channel_id) DO UPDATE "
    "SET read_seq = MAX(channel_reads.read_seq, excluded.read_seq)";

}  // namespace mqchat::store::sqlite_channel_read_sql
