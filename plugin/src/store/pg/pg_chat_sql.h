// The SQL of PgChatStore (pg/pg_chat_store.h): every statement it prepares on its connection,
// and the array-literal encoding its batched statements take their parameters in. Any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/chat_store.h"
#include "store/block_steps.h"
#include "store/pg/pg_handles.h"

namespace mqchat::store::pg_chat_sql {

// PostgreSQL array literals ("{...}") for $n::text[] / $n::bigint[] parameters, which let one
// prepared statement take any number of rows (unnest) instead of one round trip per row.
std::string TextArray(const std::vector<std::string>& values);
std::string Int64Array(const std::vector<int64_t>& values);
std::string BoolArray(const std::vector<bool>& values);

// Members are listed owner first, then admins, then members, each by join time (chat_rules.h).

// Same lock as PgAccountStore takes before nextval('user_rev_seq'), so revs become visible in
// increasing order (see 001_init.sql).
inline constexpr PgStatement kLockUsers = {"mqchat_chat_lock_users",
                                           "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"};
inline constexpr PgStatement kUserRow = {"mqchat_chat_user_row",
                                         "SELECT 1 FROM users WHERE username = $1::text"};
inline constexpr PgStatement kEnsureUser = {
    "mqchat_chat_ensure_user",
    "INSERT INTO users (username, username_key, password_hash, state, rev, created_at_ms, "
    "updated_at_ms) "
    "VALUES ($1::text, $2::text, '', 0, nextval('user_rev_seq'), $3::bigint, $3::bigint) "
    "ON CONFLICT DO NOTHING"};  // a name taken in another case is no new user (UsernameKey)

// For each name of $2, in order: the name, its role in conversation $1 (NULL: not a member),
// and whether a user of that name exists and is not deleted.
inline constexpr PgStatement kLookupPeople = {
    "mqchat_chat_lookup_people",
    "SELECT t.username, m.role, "
    "EXISTS (SELECT 1 FROM users u WHERE u.username = t.username AND u.state <> 2) "
    "FROM unnest($2::text[]) WITH ORDINALITY AS t(username, ord) "
    "LEFT JOIN members m ON m.conversation_id = $1::bigint AND m.username = t.username "
    "ORDER BY t.ord"};

// Every change of a conversation's members or seqs first takes this row lock (NO KEY UPDATE is
// what an UPDATE of these columns takes anyway; it does not block the members foreign key).
// Statements run after it see every change committed before it was granted.
inline constexpr PgStatement kLockConversation = {
    "mqchat_chat_lock_conversation",
    "SELECT kind, member_count FROM conversations WHERE conversation_id = $1::bigint "
    "FOR NO KEY UPDATE"};
inline constexpr PgStatement kInsertDirect = {
    "mqchat_chat_insert_direct",
    "INSERT INTO conversations (conversation_id, kind, name, direct_key, member_count, "
    "created_by, created_at_ms) VALUES ($1::bigint, 1, '', $2::text, 2, $3::text, $4::bigint) "
    "ON CONFLICT (direct_key) DO NOTHING RETURNING conversation_id"};
inline constexpr PgStatement kFindDirect = {
    "mqchat_chat_find_direct",
    "SELECT conversation_id FROM conversations WHERE direct_key = $1::text"};
inline constexpr PgStatement kInsertGroup = {
    "mqchat_chat_insert_group",
    "INSERT INTO conversations (conversation_id, kind, name, member_count, created_by, "
    "created_at_ms) VALUES ($1::bigint, 2, $2::text, $3::integer, $4::text, $5::bigint)"};
// Adds the names of $2; the one equal to $3 (NULL: none) as owner, the others as members.
inline constexpr PgStatement kInsertMembers = {
    "mqchat_chat_insert_members",
    "INSERT INTO members (conversation_id, username, role, read_seq, joined_at_ms) "
    "SELECT $1::bigint, t.username, CASE WHEN t.username = $3::text THEN 2 ELSE 0 END, 0, "
    "$4::bigint FROM unnest($2::text[]) AS t(username)"};
// Every membership change runs this (and only they do), under the conversation row lock, so
// it also raises members_version.
inline constexpr PgStatement kAdjustMemberCount = {
    "mqchat_chat_adjust_member_count",
    "UPDATE conversations SET member_count = member_count + $2::integer, "
    "members_version = members_version + 1 WHERE conversation_id = $1::bigint"};
inline constexpr PgStatement kDeleteMember = {
    "mqchat_chat_delete_member",
    "DELETE FROM members WHERE conversation_id = $1::bigint AND username = $2::text"};
// After the owner left: the longest-standing admin, else member, becomes the owner.
inline constexpr PgStatement kPromoteOldest = {
    "mqchat_chat_promote_oldest",
    "UPDATE members SET role = 2 WHERE conversation_id = $1::bigint AND username = ("
    "SELECT username FROM members WHERE conversation_id = $1::bigint "
    "ORDER BY role DESC, joined_at_ms, username LIMIT 1)"};
inline constexpr PgStatement kRename = {
    "mqchat_chat_rename",
    "UPDATE conversations SET name = $2::text WHERE conversation_id = $1::bigint"};
inline constexpr PgStatement kMarkRead = {
    "mqchat_chat_mark_read",
    "UPDATE members m SET read_seq = GREATEST(m.read_seq, LEAST($3::bigint, c.last_seq)) "
    "FROM conversations c WHERE c.conversation_id = m.conversation_id "
    "AND m.conversation_id = $1::bigint AND m.username = $2::text RETURNING m.read_seq"};
inline constexpr PgStatement kGetConversation = {
    "mqchat_chat_get_conversation",
    "SELECT c.conversation_id, c.kind, c.name, c.last_seq, c.created_at_ms, c.members_version, "
    "m.username, m.role, m.read_seq, m.joined_at_ms, c.slow_mode_s "
    "FROM conversations c LEFT JOIN members m ON m.conversation_id = c.conversation_id "
    "WHERE c.conversation_id = $1::bigint ORDER BY m.role DESC, m.joined_at_ms, m.username"};

// AppendBatch, step 1: lock every conversation of the batch. ORDER BY makes every writer lock
// rows in ascending id order (rows are locked as the sorted rows come out), so two batches
// over the same conversations cannot deadlock. Returns the last_seq each lock protects and the
// slow mode: a text channel's from its channels row (migration 026; the channel's conversations
// row keeps 018's column at 0), a group's from its own row.
inline constexpr PgStatement kLockForAppend = {
    "mqchat_chat_lock_for_append",
    "SELECT c.conversation_id, c.last_seq, COALESCE((SELECT ch.slow_mode_s FROM channels ch "
    "WHERE ch.channel_id = c.conversation_id), c.slow_mode_s) FROM conversations c "
    "WHERE c.conversation_id = ANY($1::bigint[]) ORDER BY c.conversation_id FOR NO KEY UPDATE OF c"};
// Step 2b, only if the batch has a message slow mode paces (AppendPlan::PacedSenders): for each
// (conversation, sender) of $1, $2, its 1-based position and the created_at_ms of the sender's
// newest message (kind 0) there, or NULL: one probe of recent_sends_sender_idx each (migration
// 028: the resend window is at least the longest slow mode).
inline constexpr PgStatement kLastMessageAt = {
    "mqchat_chat_last_message_at",
    "SELECT k.ord, (SELECT max(r.created_at_ms) FROM recent_sends r WHERE r.conversation_id = "
    "k.conversation_id AND r.sender = k.sender AND r.kind = 0) "
    "FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS k(conversation_id, sender, ord)"};
// Step 2, after the locks (so the answers are current): for each key (conversation, sender,
// client_msg_id) of $1..$3, its 1-based position, whether the sender is a member, the
// stored message with that key if any, and whether the conversation is direct and its other
// member refuses the sender's messages (MQCHAT_DM_REFUSED_UNLESS_SQL, store/block_steps.h; the
// (conversation, sender) pairs of $4, $5 share a group in another database). The
// message is looked up per key (LATERAL; LIMIT 1
// keeps the planner from flattening it into a join it could hash): one probe of recent_sends'
// primary key (migration 028: keys within the resend window) and one of messages' each, where
// a join would hash the batch and read all of `messages` whenever the batch looks large next
// to the table (docs/ARCHITECTURE.md, "Storage").
inline constexpr PgStatement kAppendLookup = {
    "mqchat_chat_append_lookup",
    "SELECT k.ord, (SELECT mb.role FROM members mb WHERE mb.conversation_id = "
    "k.conversation_id AND mb.username = k.sender), "
    "m.seq, m.message_id, m.body, m.created_at_ms, "
    "EXISTS (SELECT 1 FROM (SELECT k.sender AS sender, r.username AS recipient, "
    "r.conversation_id AS conv FROM conversations c JOIN members r ON r.conversation_id = "
    "c.conversation_id WHERE c.conversation_id = k.conversation_id AND c.kind = 1 "
    "AND r.username <> k.sender) d WHERE " MQCHAT_DM_REFUSED_UNLESS_SQL(
        "EXISTS (SELECT 1 FROM unnest($4::bigint[], $5::text[]) AS h(conv, sender) "
        "WHERE h.conv = d.conv AND h.sender = d.sender)") ") "
    "FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY "
    "AS k(conversation_id, sender, client_msg_id, ord) "
    "LEFT JOIN LATERAL (SELECT x.seq, x.message_id, x.body, x.created_at_ms "
    "FROM recent_sends r JOIN messages x ON x.conversation_id = r.conversation_id "
    "AND x.seq = r.seq WHERE r.conversation_id = k.conversation_id AND r.sender = k.sender "
    "AND r.client_msg_id = k.client_msg_id LIMIT 1) m ON TRUE"};
// Step 3, one statement for the whole batch: raise each conversation's last_seq by its count
// of new messages ($1..$3), insert the messages with the seqs numbered under the locks
// ($4..$10, kind and target_seq $14, $15), and move each sender's read_seq up to their newest
// message ($11..$13), and keep each new entry's key for the resend window (migration 028; a
// key whose message retention removed is taken over by the new one). Returns each conversation's
// new last_seq and its members_version (current: membership changes take the same row lock). The
// new last_seq must equal the numbering's ($18, parallel to $1); if one does not, the statement
// fails (the cast of a text that is no number is the plain-SQL way to raise an error), and so does
// the transaction: AppendBatch sends its COMMIT before it reads this answer (pg_pipeline.h), so the
// check that keeps a batch numbered out of step from committing has to be made here, on the server.
inline constexpr PgStatement kAppendWrite = {
    "mqchat_chat_append_write",
    "WITH alloc AS ("
    " UPDATE conversations c SET last_seq = c.last_seq + a.n,"
    " last_activity_ms = GREATEST(COALESCE(c.last_activity_ms, a.activity_ms), a.activity_ms)"
    " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS a(conversation_id, n, activity_ms)"
    " WHERE c.conversation_id = a.conversation_id"
    " RETURNING c.conversation_id, c.last_seq, c.members_version),"
    " ins AS ("
    " INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body,"
    " created_at_ms, kind, target_seq, mentions, attachments) SELECT * FROM unnest($4::bigint[],"
    " $5::bigint[], $6::bigint[], $7::text[], $8::text[], $9::text[], $10::bigint[],"
    " $14::smallint[], $15::bigint[], $16::text[], $17::text[])),"
    " rs AS ("
    " INSERT INTO recent_sends (conversation_id, sender, client_msg_id, seq, created_at_ms, kind)"
    " SELECT * FROM unnest($4::bigint[], $7::text[], $8::text[], $5::bigint[], $10::bigint[],"
    " $14::smallint[]) ON CONFLICT (conversation_id, sender, client_msg_id) DO UPDATE SET"
    " seq = EXCLUDED.seq, created_at_ms = EXCLUDED.created_at_ms, kind = EXCLUDED.kind),"
    " rd AS ("
    " UPDATE members m SET read_seq = GREATEST(m.read_seq, r.read_seq)"
    " FROM unnest($11::bigint[], $12::text[], $13::bigint[]) AS r(conversation_id, username,"
    " read_seq) WHERE m.conversation_id = r.conversation_id AND m.username = r.username)"
    " SELECT e.conversation_id, a.last_seq, a.members_version,"
    " CASE WHEN a.last_seq IS DISTINCT FROM e.last_seq THEN ('seq allocation of conversation '"
    " || e.conversation_id || ' went out of step')::bigint END"
    " FROM unnest($1::bigint[], $18::bigint[]) AS e(conversation_id, last_seq)"
    " LEFT JOIN alloc a ON a.conversation_id = e.conversation_id"};

// The user's conversations with their last message and member names (a JSON array), most
// recently active first; a conversation without messages counts as active since its creation.
// The last message is a message (kind 0; migration 010), the unread count counts messages and
// call entries (kinds 0 and 5; migration 027): the newest kind-0 row (a backward walk of the
// primary key, usually one row) and a count over the primary key range above read_seq (as long as
// what is unread).
inline constexpr PgStatement kListConversations = {
    "mqchat_chat_list_conversations",
    "SELECT c.conversation_id, c.kind, c.name, c.last_seq, me.read_seq, "
    "(SELECT json_agg(o.username ORDER BY o.role DESC, o.joined_at_ms, o.username) "
    "FROM members o WHERE o.conversation_id = c.conversation_id), "
    "COALESCE((SELECT u.muted_until_ms FROM mutes u WHERE u.conversation_id = c.conversation_id "
    "AND u.username = me.username), 0), "
    "(SELECT count(*) FROM messages x WHERE x.conversation_id = c.conversation_id "
    "AND x.seq > me.read_seq AND x.kind IN (0, 5)), "
    "m.conversation_id, m.seq, m.message_id, m.sender, m.client_msg_id, m.body, m.created_at_ms, "
    "m.kind, m.target_seq, m.edited_at_ms, m.deleted_at_ms, m.mentions, "
    // Migration 019: the user's unread mentions, one range of the mentions primary key.
    "(SELECT count(*) FROM mentions n WHERE n.username = me.username "
    "AND n.conversation_id = c.conversation_id AND n.seq > me.read_seq), "
    "c.slow_mode_s, m.attachments "
    "FROM members me JOIN conversations c ON c.conversation_id = me.conversation_id "
    "LEFT JOIN LATERAL (SELECT * FROM messages y WHERE y.conversation_id = c.conversation_id "
    "AND y.kind = 0 ORDER BY y.seq DESC LIMIT 1) m ON TRUE "
    "WHERE me.username = $1::text "
    "ORDER BY COALESCE(c.last_activity_ms, c.created_at_ms) DESC, c.conversation_id DESC"};
inline constexpr PgStatement kHistoryBefore = {
    "mqchat_chat_history_before",
    "SELECT conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms, kind, target_seq, edited_at_ms, deleted_at_ms, mentions, attachments "
    "FROM messages WHERE conversation_id = $1::bigint AND seq < $2::bigint "
    "ORDER BY seq DESC LIMIT $3::bigint"};
inline constexpr PgStatement kHistoryAfter = {
    "mqchat_chat_history_after",
    "SELECT conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms, kind, target_seq, edited_at_ms, deleted_at_ms, mentions, attachments "
    "FROM messages WHERE conversation_id = $1::bigint AND seq > $2::bigint "
    "ORDER BY seq LIMIT $3::bigint"};

// GREATEST skips NULLs (empty tables). Each max() is one probe at the end of an index
// (messages_message_id_idx, the conversations primary key).
inline constexpr PgStatement kMaxIssuedId = {
    "mqchat_chat_max_issued_id",
    "SELECT GREATEST((SELECT max(message_id) FROM messages), "
    "(SELECT max(conversation_id) FROM conversations), 0)"};

// Migration 015: the highest seq the retention sweeper removed (store/retention_store.h).
inline constexpr PgStatement kExpiredThrough = {
    "mqchat_chat_expired_through",
    "SELECT expired_through_seq FROM conversations WHERE conversation_id = $1::bigint"};

inline constexpr const PgStatement* kAll[] = {
    &kLockUsers,     &kUserRow,       &kEnsureUser,  &kLookupPeople,      &kLockConversation,
    &kInsertDirect,  &kFindDirect,    &kInsertGroup, &kInsertMembers,     &kAdjustMemberCount,
    &kDeleteMember,  &kPromoteOldest, &kRename,      &kMarkRead,          &kGetConversation,
    &kLockForAppend, &kAppendLookup,  &kAppendWrite, &kListConversations, &kHistoryBefore,
    &kHistoryAfter,  &kMaxIssuedId,   &kExpiredThrough, &kLastMessageAt};

// Reads conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms, kind,
// target_seq, edited_at_ms, deleted_at_ms from column `first` on (pg_chat_sql.cpp).
Result<StoredMessage> ReadMessage(const PGresult* res, int row, int first);

}  // namespace mqchat::store::pg_chat_sql
