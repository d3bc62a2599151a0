// The SQL of PgChatStore's blocks and direct-message policy (pg_blocks.cpp), and the
// direct-message refusal its OpenDirect runs (MQCHAT_DM_REFUSED_SQL, store/block_steps.h;
// AppendBatch's is part of pg_chat_sql.h's kAppendLookup). Prepared on each connection.
#pragma once

#include "store/block_steps.h"
#include "store/pg/pg_handles.h"

namespace mqchat::store::pg_block_sql {

inline constexpr PgStatement kIsBlocked = {
    "mqchat_block_is_blocked",
    "SELECT 1 FROM blocks WHERE blocker = $1::text AND blocked = $2::text"};
// Serializes the blocks of one blocker until COMMIT, so racing blocks cannot pass the limit.
inline constexpr PgStatement kLockBlocker = {
    "mqchat_block_lock_blocker",
    "SELECT pg_advisory_xact_lock(hashtext('mqchat blocks of ' || $1::text))"};
inline constexpr PgStatement kCountBlocks = {
    "mqchat_block_count", "SELECT count(*) FROM blocks WHERE blocker = $1::text"};
inline constexpr PgStatement kInsertBlock = {
    "mqchat_block_insert",
    "INSERT INTO blocks (blocker, blocked, created_at_ms) VALUES ($1::text, $2::text, "
    "$3::bigint) ON CONFLICT DO NOTHING"};
inline constexpr PgStatement kDeleteBlock = {
    "mqchat_block_delete",
    "DELETE FROM blocks WHERE blocker = $1::text AND blocked = $2::text"};
inline constexpr PgStatement kListBlocks = {
    "mqchat_block_list",
    "SELECT blocked, created_at_ms FROM blocks WHERE blocker = $1::text ORDER BY blocked"};
inline constexpr PgStatement kBlockedBy = {
    "mqchat_block_blocked_by",
    "SELECT blocker FROM blocks WHERE blocked = $1::text ORDER BY blocker"};
inline constexpr PgStatement kGetPolicy = {
    "mqchat_block_get_policy", "SELECT policy FROM dm_policies WHERE username = $1::text"};
inline constexpr PgStatement kSetPolicy = {
    "mqchat_block_set_policy",
    "INSERT INTO dm_policies (username, policy) VALUES ($1::text, $2::smallint) "
    "ON CONFLICT (username) DO UPDATE SET policy = excluded.policy"};
// Does $2 refuse a direct message from $1 (their conversation has key $3, if any; $4: a group
// the two share is known to be in another database)?
inline constexpr PgStatement kRefusedByKey = {
    "mqchat_block_refused_by_key",
    "SELECT 1 FROM (SELECT $1::text AS sender, $2::text AS recipient, "
    "(SELECT conversation_id FROM conversations WHERE direct_key = $3::text) AS conv) d "
    "WHERE " MQCHAT_DM_REFUSED_UNLESS_SQL("$4::boolean")};
// Are $1 and $2 both members of a group here (the shared_group policy's test, asked of the other
// databases of a sharded store)? One probe of members_username_idx per group of $1's.
inline constexpr PgStatement kSharesGroup = {
    "mqchat_block_shares_group",
    "SELECT 1 FROM members a JOIN members s ON s.conversation_id = a.conversation_id "
    "AND s.username = $2::text JOIN conversations g ON g.conversation_id = a.conversation_id "
    "AND g.kind = 2 WHERE a.username = $1::text LIMIT 1"};

inline constexpr const PgStatement* kAll[] = {
    &kIsBlocked, &kLockBlocker, &kCountBlocks, &kInsertBlock, &kDeleteBlock,  &kListBlocks,
    &kBlockedBy, &kGetPolicy,   &kSetPolicy,   &kRefusedByKey, &kSharesGroup,
};

}  // namespace mqchat::store::pg_block_sql
