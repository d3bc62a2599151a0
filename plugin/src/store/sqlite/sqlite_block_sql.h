// The SQL of SqliteChatStore's blocks and direct-message policy (sqlite_blocks.cpp), and the
// direct-message refusal its OpenDirect and AppendBatch run (MQCHAT_DM_REFUSED_SQL,
// store/block_steps.h). Prepared once per connection, like sqlite_chat_sql.h.
#pragma once

#include "store/block_steps.h"

namespace mqchat::store::sqlite_block_sql {

inline constexpr char kIsBlocked[] = "SELECT 1 FROM blocks WHERE blocker = ?1 AND blocked = ?2";
inline constexpr char kCountBlocks[] = "SELECT count(*) FROM blocks WHERE blocker = ?1";
inline constexpr char kInsertBlock[] =
    "INSERT INTO blocks (blocker, blocked, created_at_ms) VALUES (?1, ?2, ?3) "
    "ON CONFLICT DO NOTHING";
inline constexpr char kDeleteBlock[] = "DELETE FROM blocks WHERE blocker = ?1 AND blocked = ?2";
inline constexpr char kListBlocks[] =
    "SELECT blocked, created_at_ms FROM blocks WHERE blocker = ?1 ORDER BY blocked";
inline constexpr char kBlockedBy[] =
    "SELECT blocker FROM blocks WHERE blocked = ?1 ORDER BY blocker";
inline constexpr char kGetPolicy[] = "SELECT policy FROM dm_policies WHERE username = ?1";
inline constexpr char kSetPolicy[] =
    "INSERT INTO dm_policies (username, policy) VALUES (?1, ?2) "
    "ON CONFLICT (username) DO UPDATE SET policy = excluded.policy";
// OpenDirect: does ?2 refuse a direct message from ?1 (their conversation has key ?3, if any)?
inline constexpr char kRefusedByKey[] =
    "SELECT 1 FROM (SELECT ?1 AS sender, ?2 AS recipient, "
    "(SELECT conversation_id FROM conversations WHERE direct_key = ?3) AS conv) d "
    "WHERE " MQCHAT_DM_REFUSED_SQL;
// AppendBatch: does the other member of direct conversation ?1 refuse a message from ?2?
inline constexpr char kRefusedInConversation[] =
    "SELECT 1 FROM (SELECT ?2 AS sender, r.username AS recipient, r.conversation_id AS conv "
    "FROM members r WHERE r.conversation_id = ?1 AND r.username <> ?2) d "
    "WHERE " MQCHAT_DM_REFUSED_SQL;

}  // namespace mqchat::store::sqlite_block_sql
