// The SQL of the community store (sql_community_store.h), once for both backends: statements
// both SQLite and PostgreSQL accept, with ?N placeholders (store/community_sql.h). Each
// row-reading statement returns the columns its Read* function in community_rows.h expects.
#pragma once

namespace mqchat::store::community_sql {

#define MQCHAT_SERVER_COLS                                                             \
  "s.server_id, s.name, s.owner, s.everyone_role_id, s.member_count, s.perm_version, " \
  "s.created_at_ms"
#define MQCHAT_CHANNEL_COLS \
  "channel_id, server_id, name, type, topic, position, category_id, slow_mode_s"
#define MQCHAT_ROLE_COLS "role_id, server_id, name, permissions, position"
#define MQCHAT_INVITE_COLS "code, server_id, creator, expires_at_ms, max_uses, uses"

// Servers. kLockServer reads the row and takes its write lock (a no-op update: PostgreSQL locks
// the row, SQLite's BEGIN IMMEDIATE holds the database), so changes to one server run one at a
// time across brokers and a permission check stays true until the change commits.
inline constexpr char kServer[] =
    "SELECT " MQCHAT_SERVER_COLS " FROM servers s WHERE s.server_id = ?1";
inline constexpr char kLockServer[] =
    "UPDATE servers SET perm_version = perm_version WHERE server_id = ?1 RETURNING "
    "server_id, name, owner, everyone_role_id, member_count, perm_version, created_at_ms";
inline constexpr char kBumpVersion[] =
    "UPDATE servers SET perm_version = perm_version + 1 WHERE server_id = ?1";
inline constexpr char kInsertServer[] =
    "INSERT INTO servers (name, owner, member_count, created_at_ms) VALUES (?1, ?2, 0, ?3) "
    "RETURNING server_id";
inline constexpr char kSetEveryone[] =
    "UPDATE servers SET everyone_role_id = ?2 WHERE server_id = ?1";
inline constexpr char kRenameServer[] = "UPDATE servers SET name = ?2 WHERE server_id = ?1";
inline constexpr char kDeleteServer[] = "DELETE FROM servers WHERE server_id = ?1";
inline constexpr char kServersOfUser[] =
    "SELECT " MQCHAT_SERVER_COLS
    " FROM servers s JOIN server_members m "
    "ON m.server_id = s.server_id WHERE m.username = ?1 ORDER BY s.server_id";
inline constexpr char kAddMemberCount[] =
    "UPDATE servers SET member_count = member_count + ?2, perm_version = perm_version + 1 "
    "WHERE server_id = ?1";

// Members and their roles.
inline constexpr char kIsMember[] =
    "SELECT 1 FROM server_members WHERE server_id = ?1 AND username = ?2";
inline constexpr char kInsertMember[] =
    "INSERT INTO server_members (server_id, username, joined_at_ms) VALUES (?1, ?2, ?3)";
inline constexpr char kDeleteMember[] =
    "DELETE FROM server_members WHERE server_id = ?1 AND username = ?2 RETURNING username";
inline constexpr char kMembersPage[] =
    "SELECT username FROM server_members WHERE server_id = ?1 AND username > ?2 "
    "ORDER BY username LIMIT ?3";
inline constexpr char kMemberRolesRange[] =
    "SELECT username, role_id FROM member_roles WHERE server_id = ?1 AND username >= ?2 "
    "AND username <= ?3 ORDER BY username, role_id";
inline constexpr char kRoleIdsOfMember[] =
    "SELECT role_id FROM member_roles WHERE server_id = ?1 AND username = ?2 ORDER BY role_id";
inline constexpr char kAssignRole[] =
    "INSERT INTO member_roles (server_id, username, role_id) VALUES (?1, ?2, ?3) "
    "ON CONFLICT DO NOTHING";
inline constexpr char kUnassignRole[] =
    "DELETE FROM member_roles WHERE server_id = ?1 AND username = ?2 AND role_id = ?3";

// Roles.
inline constexpr char kRoleFlags[] = "SELECT role_id, permissions FROM roles WHERE server_id = ?1";
inline constexpr char kRoles[] =
    "SELECT " MQCHAT_ROLE_COLS " FROM roles WHERE server_id = ?1 ORDER BY position DESC, role_id";
inline constexpr char kRole[] = "SELECT " MQCHAT_ROLE_COLS " FROM roles WHERE role_id = ?1";
inline constexpr char kInsertRole[] =
    "INSERT INTO roles (server_id, name, permissions, position) VALUES (?1, ?2, ?3, "
    "(SELECT COALESCE(MAX(position), 0) + 1 FROM roles WHERE server_id = ?1)) "
    "RETURNING " MQCHAT_ROLE_COLS;
inline constexpr char kInsertEveryoneRole[] =
    "INSERT INTO roles (server_id, name, permissions, position) VALUES (?1, '@everyone', ?2, 0) "
    "RETURNING role_id";
inline constexpr char kUpdateRole[] =
    "UPDATE roles SET name = ?2, permissions = ?3 WHERE role_id = ?1";

// Channels and overrides.
inline constexpr char kChannel[] =
    "SELECT " MQCHAT_CHANNEL_COLS " FROM channels WHERE channel_id = ?1";
inline constexpr char kChannels[] = "SELECT " MQCHAT_CHANNEL_COLS
                                    " FROM channels WHERE server_id = ?1 "
                                    "ORDER BY position, channel_id";
// A server's text channels with `?2`'s read state in each (migration 024: no channel_reads row
// is read_seq 0): channel id, last_seq, read_seq, unread messages (kind 0) above read_seq counted
// to 1,000 (protocol::kMaxChannelUnread: a never-read channel of a big server costs at most that
// many index entries), unread mentions (one range of the mentions primary key).
inline constexpr char kChannelReadStates[] =
    "SELECT ch.channel_id, c.last_seq, COALESCE(r.read_seq, 0), "
    "(SELECT count(*) FROM (SELECT 1 FROM messages x WHERE x.conversation_id = ch.channel_id "
    "AND x.seq > COALESCE(r.read_seq, 0) AND x.kind = 0 LIMIT 1000) u), "
    "(SELECT count(*) FROM mentions n WHERE n.username = ?2 "
    "AND n.conversation_id = ch.channel_id AND n.seq > COALESCE(r.read_seq, 0)) "
    "FROM channels ch JOIN conversations c ON c.conversation_id = ch.channel_id "
    "LEFT JOIN channel_reads r ON r.username = ?2 AND r.channel_id = ch.channel_id "
    "WHERE ch.server_id = ?1 AND ch.type = 'text'";
inline constexpr char kInsertChannel[] =
    "INSERT INTO channels (server_id, name, type, topic, position, category_id, created_at_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING " MQCHAT_CHANNEL_COLS;
inline constexpr char kUpdateChannel[] =
    "UPDATE channels SET name = ?2, topic = ?3, position = ?4, category_id = ?5 "
    "WHERE channel_id = ?1";
// Migration 029: a text channel's slow mode.
inline constexpr char kSetChannelSlowMode[] =
    "UPDATE channels SET slow_mode_s = ?2 WHERE channel_id = ?1";
inline constexpr char kDeleteChannel[] = "DELETE FROM channels WHERE channel_id = ?1";
inline constexpr char kUncategorize[] =
    "UPDATE channels SET category_id = 0 WHERE server_id = ?1 AND category_id = ?2";
inline constexpr char kOverrides[] =
    "SELECT role_id, username, allow, deny FROM channel_overrides WHERE channel_id = ?1";
inline constexpr char kServerOverrides[] =
    "SELECT o.channel_id, o.role_id, o.username, o.allow, o.deny FROM channel_overrides o "
    "JOIN channels c ON c.channel_id = o.channel_id WHERE c.server_id = ?1";
inline constexpr char kUpsertOverride[] =
    "INSERT INTO channel_overrides (channel_id, role_id, username, allow, deny) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (channel_id, role_id, username) "
    "DO UPDATE SET allow = excluded.allow, deny = excluded.deny";
inline constexpr char kDeleteOverride[] =
    "DELETE FROM channel_overrides WHERE channel_id = ?1 AND role_id = ?2 AND username = ?3";

// Invites and bans.
inline constexpr char kInsertInvite[] =
    "INSERT INTO server_invites (code, server_id, creator, expires_at_ms, max_uses, "
    "created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING " MQCHAT_INVITE_COLS;
inline constexpr char kInvite[] =
    "SELECT " MQCHAT_INVITE_COLS " FROM server_invites WHERE code = ?1";
// Spends one use of a valid invite; no row if it expired or ran out.
inline constexpr char kUseInvite[] =
    "UPDATE server_invites SET uses = uses + 1 WHERE code = ?1 "
    "AND (max_uses = 0 OR uses < max_uses) AND (expires_at_ms = 0 OR expires_at_ms > ?2) RETURNING "
    "server_id";
inline constexpr char kIsBanned[] =
    "SELECT 1 FROM server_bans WHERE server_id = ?1 AND username = ?2";
inline constexpr char kInsertBan[] =
    "INSERT INTO server_bans (server_id, username, banned_by, created_at_ms) "
    "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING";

}  // namespace mqchat::store::community_sql
