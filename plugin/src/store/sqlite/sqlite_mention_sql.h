// The SQL of SqliteChatStore's mentions (migration 019; sqlite/sqlite_chat_mentions.cpp and
// store/mentions.h): the membership check of a mentioned user and the `mentions` rows a
// message, an edit or a deletion writes. Prepared once per connection.
#pragma once

namespace mqchat::store::sqlite_mention_sql {

// A member of the conversation, or of the server of the channel ?1 is (issue 18: a channel has
// no members rows; migration 021).
inline constexpr char kIsMember[] =
    "SELECT 1 FROM members WHERE conversation_id = ?1 AND username = ?2 "
    "UNION ALL SELECT 1 FROM channels ch JOIN server_members sm ON sm.server_id = ch.server_id "
    "AND sm.username = ?2 WHERE ch.channel_id = ?1";
// ?1 user, ?2 conversation, ?3 the message mentioning them, ?4 the seq it is unread from. A
// row already there (a name an edit keeps) keeps its seq.
inline constexpr char kInsertMention[] =
    "INSERT INTO mentions (username, conversation_id, message_seq, seq) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (username, conversation_id, message_seq) DO NOTHING";
// The rows of message ?2 whose user is not in ?3 (space-separated names; '' drops them all).
inline constexpr char kDropMentionsNotIn[] =
    "DELETE FROM mentions WHERE conversation_id = ?1 AND message_seq = ?2 "
    "AND instr(' ' || ?3 || ' ', ' ' || username || ' ') = 0";

}  // namespace mqchat::store::sqlite_mention_sql
