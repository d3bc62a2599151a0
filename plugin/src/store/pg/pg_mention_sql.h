// The SQL of PgChatStore's mentions (migration 019; pg/pg_chat_mentions.h, store/mentions.h):
// the membership check of the batch's mentioned users and the `mentions` rows new messages and
// edits write. Prepared with the chat store's statements.
#pragma once

#include "store/pg/pg_handles.h"

namespace mqchat::store::pg_mention_sql {

// The 1-based positions of the (conversation $1, user $2) pairs whose user is a member (of a
// channel's server, for a channel: issue 18, a channel has no members rows).
inline constexpr PgStatement kMembers = {
    "mqchat_mention_members",
    "SELECT k.ord FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY "
    "AS k(conversation_id, username, ord) WHERE EXISTS (SELECT 1 FROM members m "
    "WHERE m.conversation_id = k.conversation_id AND m.username = k.username) "
    "OR EXISTS (SELECT 1 FROM channels ch JOIN server_members sm ON sm.server_id = ch.server_id "
    "WHERE ch.channel_id = k.conversation_id AND sm.username = k.username)"};
// Rows (user $1, conversation $2, message $3, unread from seq $4) of new messages.
inline constexpr PgStatement kInsert = {
    "mqchat_mention_insert",
    "INSERT INTO mentions (username, conversation_id, message_seq, seq) "
    "SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[]) "
    "ON CONFLICT (username, conversation_id, message_seq) DO NOTHING"};
// An edit (seq $4) of message $2 mentioning $3: the rows of names it drops go, a name it keeps
// keeps its row (and seq), a name it adds is unread from the edit. $3 empty drops them all.
inline constexpr PgStatement kReplace = {
    "mqchat_mention_replace",
    "WITH dropped AS (DELETE FROM mentions WHERE conversation_id = $1::bigint "
    "AND message_seq = $2::bigint AND username <> ALL($3::text[])) "
    "INSERT INTO mentions (username, conversation_id, message_seq, seq) "
    "SELECT u, $1::bigint, $2::bigint, $4::bigint FROM unnest($3::text[]) AS u "
    "ON CONFLICT (username, conversation_id, message_seq) DO NOTHING"};

inline constexpr const PgStatement* kAll[] = {&kMembers, &kInsert, &kReplace};

}  // namespace mqchat::store::pg_mention_sql
