// The SQL of OperatorStore (store/operator_store.h), once for both backends: written with
// SQLite's ?N parameters, which PgOperatorStore rewrites to $N (the statements use no other
// '?'). Parameters appear in ascending order, as SQLite numbers them.
#pragma once

namespace mqchat::store::operator_sql {

// ?1 after id, ?2 member ('' for every conversation), ?3 limit. Columns: id, kind, name,
// member_count, last_seq, last_activity_ms (0 if none), created_at_ms, 1 if a channel.
inline constexpr char kList[] =
    "SELECT c.conversation_id, c.kind, c.name, c.member_count, c.last_seq, "
    "COALESCE(c.last_activity_ms, 0), c.created_at_ms, "
    "CASE WHEN EXISTS (SELECT 1 FROM channels ch WHERE ch.channel_id = c.conversation_id) "
    "THEN 1 ELSE 0 END "
    "FROM conversations c WHERE c.conversation_id > ?1 AND (?2 = '' OR EXISTS "
    "(SELECT 1 FROM members m WHERE m.conversation_id = c.conversation_id AND m.username = ?2)) "
    "ORDER BY c.conversation_id LIMIT ?3";
// ?1 conversation, ?2 user. Columns: kind, 1 if a channel, the user's role (NULL: not a member).
inline constexpr char kTarget[] =
    "SELECT c.kind, CASE WHEN EXISTS (SELECT 1 FROM channels ch WHERE ch.channel_id = "
    "c.conversation_id) THEN 1 ELSE 0 END, m.role FROM conversations c LEFT JOIN members m "
    "ON m.conversation_id = c.conversation_id AND m.username = ?2 WHERE c.conversation_id = ?1";
inline constexpr char kSetRole[] =
    "UPDATE members SET role = ?3 WHERE conversation_id = ?1 AND username = ?2";
// Every broker's cached members (moderators among them) reload at the next message.
inline constexpr char kBump[] =
    "UPDATE conversations SET members_version = members_version + 1 WHERE conversation_id = ?1";
inline constexpr char kAudit[] =
    "INSERT INTO audit_log (at_ms, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)";
// ?1 since_ms. One row, in StoreStats' order.
inline constexpr char kStats[] =
    "SELECT (SELECT COUNT(*) FROM users WHERE state = 0), "
    "(SELECT COUNT(*) FROM users WHERE state = 1), (SELECT COUNT(*) FROM users WHERE state = 2), "
    "(SELECT COUNT(*) FROM conversations WHERE kind = 1), "
    "(SELECT COUNT(*) FROM conversations c WHERE kind = 2 AND NOT EXISTS "
    "(SELECT 1 FROM channels ch WHERE ch.channel_id = c.conversation_id)), "
    "(SELECT COUNT(*) FROM channels WHERE type = 'text'), "
    "(SELECT COUNT(*) FROM messages WHERE kind = 0), "
    "(SELECT COUNT(*) FROM messages WHERE kind = 0 AND created_at_ms >= ?1), "
    "(SELECT COUNT(*) FROM reports WHERE resolved_at_ms IS NULL)";

}  // namespace mqchat::store::operator_sql
