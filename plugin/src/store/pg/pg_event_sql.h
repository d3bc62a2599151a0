// The SQL of PgChatStore's event kinds (migration 010; pg/pg_chat_events.h): the lookups
// AppendBatch makes for edits, deletions, reactions and replies, the changes they make to their
// target, and the message view `history` reads. Prepared with the chat store's statements.
#pragma once

#include "store/pg/pg_attachment_sql.h"
#include "store/pg/pg_handles.h"

namespace mqchat::store::pg_event_sql {

// For each (conversation $1, seq $2) its 1-based position and the row there, if any (any kind,
// so an event naming a non-message is told apart). One primary-key probe each.
inline constexpr PgStatement kTargets = {
    "mqchat_event_targets",
    "SELECT t.ord, m.kind, m.sender, m.created_at_ms, m.deleted_at_ms "
    "FROM unnest($1::bigint[], $2::bigint[]) WITH ORDINALITY AS t(conversation_id, seq, ord) "
    "JOIN LATERAL (SELECT kind, sender, created_at_ms, deleted_at_ms FROM messages "
    "WHERE conversation_id = t.conversation_id AND seq = t.seq LIMIT 1) m ON TRUE"};
// The positions of the reactions ($1..$4) that are there.
inline constexpr PgStatement kReactionsPresent = {
    "mqchat_event_reactions_present",
    "SELECT r.ord FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) "
    "WITH ORDINALITY AS r(conversation_id, seq, username, emoji, ord) WHERE EXISTS ("
    "SELECT 1 FROM reactions x WHERE x.conversation_id = r.conversation_id AND x.seq = r.seq "
    "AND x.username = r.username AND x.emoji = r.emoji)"};
inline constexpr PgStatement kApplyEdit = {
    "mqchat_event_apply_edit",
    "UPDATE messages SET body = $3::text, edited_at_ms = $4::bigint, mentions = $5::text "
    "WHERE conversation_id = $1::bigint AND seq = $2::bigint"};
// A deletion leaves no text of the message in the store: its row, its edit rows
// (messages_edits_idx), its reactions, and the preview of a push job it was the newest
// message of (push_jobs_last_seq_idx).
inline constexpr PgStatement kApplyDelete = {
    "mqchat_event_apply_delete",
    "WITH body AS (UPDATE messages SET body = '', mentions = '', attachments = '', "
    "deleted_at_ms = $3::bigint "
    "WHERE conversation_id = $1::bigint AND seq = $2::bigint), "
    "edits AS (UPDATE messages SET body = '', mentions = '' WHERE conversation_id = $1::bigint "
    "AND target_seq = $2::bigint AND kind = 1), "
    "mentioned AS (DELETE FROM mentions WHERE conversation_id = $1::bigint "
    "AND message_seq = $2::bigint), "
    "reacts AS (DELETE FROM reactions WHERE conversation_id = $1::bigint AND seq = $2::bigint), "
    "push AS (UPDATE push_jobs SET preview_text = NULL WHERE conversation_id = $1::bigint "
    "AND last_seq = $2::bigint AND preview_text IS NOT NULL), "
    MQCHAT_PG_RELEASE_ATTACHMENTS("$2::bigint", "$2::bigint") " SELECT 1"};
inline constexpr PgStatement kAddReaction = {
    "mqchat_event_add_reaction",
    "INSERT INTO reactions (conversation_id, seq, username, emoji, created_at_ms) "
    "VALUES ($1::bigint, $2::bigint, $3::text, $4::text, $5::bigint)"};
inline constexpr PgStatement kRemoveReaction = {
    "mqchat_event_remove_reaction",
    "DELETE FROM reactions WHERE conversation_id = $1::bigint AND seq = $2::bigint "
    "AND username = $3::text AND emoji = $4::text"};
// `history`: messages and call entries (kinds 0 and 5), the columns of pg_chat_sql::ReadMessage,
// then the quoted message of a reply (sender, body, deleted_at_ms, kind; NULL when there is none).
#define MQCHAT_PG_MESSAGE_VIEW                                                            \
  "SELECT m.conversation_id, m.seq, m.message_id, m.sender, m.client_msg_id, m.body, "    \
  "m.created_at_ms, m.kind, m.target_seq, m.edited_at_ms, m.deleted_at_ms, "              \
  "q.sender, q.body, q.deleted_at_ms, q.kind, m.mentions, m.attachments FROM messages m " \
  "LEFT JOIN messages q ON m.target_seq > 0 AND q.conversation_id = m.conversation_id "   \
  "AND q.seq = m.target_seq WHERE m.conversation_id = $1::bigint AND m.kind IN (0, 5) "
inline constexpr PgStatement kMessagesBefore = {
    "mqchat_event_messages_before",
    MQCHAT_PG_MESSAGE_VIEW "AND m.seq < $2::bigint ORDER BY m.seq DESC LIMIT $3::bigint"};
inline constexpr PgStatement kMessagesAfter = {
    "mqchat_event_messages_after",
    MQCHAT_PG_MESSAGE_VIEW "AND m.seq > $2::bigint ORDER BY m.seq LIMIT $3::bigint"};
#undef MQCHAT_PG_MESSAGE_VIEW
// The reactions of a page's seq range $2..$3, per (seq, emoji), with whether $4 is among them.
inline constexpr PgStatement kReactionsOf = {
    "mqchat_event_reactions_of",
    "SELECT seq, emoji, count(*), bool_or(username = $4::text) FROM reactions "
    "WHERE conversation_id = $1::bigint AND seq BETWEEN $2::bigint AND $3::bigint "
    "GROUP BY seq, emoji ORDER BY seq, emoji"};

inline constexpr const PgStatement* kAll[] = {
    &kTargets,     &kReactionsPresent, &kApplyEdit,     &kApplyDelete, &kAddReaction,
    &kRemoveReaction, &kMessagesBefore, &kMessagesAfter, &kReactionsOf};

}  // namespace mqchat::store::pg_event_sql
