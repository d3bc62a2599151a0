// The SQL of SqliteChatStore's event kinds (migration 010; sqlite/sqlite_chat_events.cpp): the
// lookups AppendBatch makes for edits, deletions, reactions and replies, the changes they make
// to their target, and the message view `history` reads. Prepared once per connection.
#pragma once

namespace mqchat::store::sqlite_event_sql {

// The row an event names (any kind, so an event naming a non-message is told apart).
inline constexpr char kTarget[] =
    "SELECT kind, sender, created_at_ms, deleted_at_ms FROM messages "
    "WHERE conversation_id = ?1 AND seq = ?2";
inline constexpr char kHasReaction[] =
    "SELECT 1 FROM reactions WHERE conversation_id = ?1 AND seq = ?2 AND username = ?3 "
    "AND emoji = ?4";
inline constexpr char kApplyEdit[] =
    "UPDATE messages SET body = ?3, edited_at_ms = ?4, mentions = ?5 "
    "WHERE conversation_id = ?1 AND seq = ?2";
// A deletion leaves no text of the message in the store: its row, its edit rows
// (messages_edits_idx), and the preview of a push job it was the newest message of.
inline constexpr char kDeleteBody[] =
    "UPDATE messages SET body = '', mentions = '', attachments = '', deleted_at_ms = ?3 "
    "WHERE conversation_id = ?1 AND seq = ?2";
inline constexpr char kDeleteEditBodies[] =
    "UPDATE messages SET body = '', mentions = '' "
    "WHERE conversation_id = ?1 AND target_seq = ?2 AND kind = 1";
inline constexpr char kDeleteReactions[] =
    "DELETE FROM reactions WHERE conversation_id = ?1 AND seq = ?2";
inline constexpr char kScrubPushPreview[] =
    "UPDATE push_jobs SET preview_text = NULL WHERE conversation_id = ?1 AND last_seq = ?2 "
    "AND preview_text IS NOT NULL";
inline constexpr char kAddReaction[] =
    "INSERT INTO reactions (conversation_id, seq, username, emoji, created_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
inline constexpr char kRemoveReaction[] =
    "DELETE FROM reactions WHERE conversation_id = ?1 AND seq = ?2 AND username = ?3 "
    "AND emoji = ?4";
// `history`: messages and call entries (kinds 0 and 5), the same columns as
// sqlite_chat_sql::ReadMessage.
inline constexpr char kMessagesBefore[] =
    "SELECT conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms, kind, "
    "target_seq, edited_at_ms, deleted_at_ms, mentions, attachments FROM messages "
    "WHERE conversation_id = ?1 AND seq < ?2 AND kind IN (0, 5) ORDER BY seq DESC LIMIT ?3";
inline constexpr char kMessagesAfter[] =
    "SELECT conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms, kind, "
    "target_seq, edited_at_ms, deleted_at_ms, mentions, attachments FROM messages "
    "WHERE conversation_id = ?1 AND seq > ?2 AND kind IN (0, 5) ORDER BY seq LIMIT ?3";
// The reactions of a page's seq range ?2..?3, per (seq, emoji), with whether ?4 is among them.
inline constexpr char kReactionsOf[] =
    "SELECT seq, emoji, count(*), max(username = ?4) FROM reactions "
    "WHERE conversation_id = ?1 AND seq BETWEEN ?2 AND ?3 GROUP BY seq, emoji ORDER BY seq, emoji";

}  // namespace mqchat::store::sqlite_event_sql
