// The two ProfileStore backends, for OpenProfileStore (profile_store_backends.cpp) only, and
// the SQL both share.
#pragma once

#include <string>

#include "profile_store.h"
#include "store/broker_notices.h"

namespace mqchat::api {

Result<ProfileStorePtr> OpenSqliteProfileStore(const std::string& path);
Result<ProfileStorePtr> OpenPgProfileStore(const std::string& conninfo);

namespace profile_sql {
// Parameters are written ?N and turned into $N for PostgreSQL (store::PgPlaceholders).
inline constexpr char kGet[] =
    "SELECT display_name, status_text, avatar_id, avatar_type, discoverable, updated_at_ms "
    "FROM profiles WHERE username = ?1";
inline constexpr char kSave[] =
    "INSERT INTO profiles (username, display_name, status_text, avatar_id, avatar_type, "
    "discoverable, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, "
    "status_text = excluded.status_text, avatar_id = excluded.avatar_id, "
    "avatar_type = excluded.avatar_type, discoverable = excluded.discoverable, "
    "updated_at_ms = excluded.updated_at_ms";
inline constexpr char kShare[] =
    "SELECT 1 FROM members a JOIN members b ON b.conversation_id = a.conversation_id "
    "AND b.username = ?2 WHERE a.username = ?1 LIMIT 1";
// ?1 the key, ?2 1 for an exact match, ?3 the limit. substr() on both backends: username keys
// are ASCII (protocol/identity.h), so characters are bytes.
inline constexpr char kFind[] =
    "SELECT u.username, p.display_name, p.status_text, p.avatar_id, p.avatar_type, "
    "p.updated_at_ms FROM profiles p JOIN users u ON u.username = p.username "
    "WHERE p.discoverable = 1 AND u.state = 0 AND (u.username_key = ?1 OR (?2 = 0 AND "
    "substr(u.username_key, 1, length(CAST(?1 AS TEXT))) = ?1)) ORDER BY u.username_key LIMIT ?3";
inline constexpr char kTouchDevice[] =
    "INSERT INTO devices (username, device_id, platform, created_at_ms, last_seen_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?4) ON CONFLICT (username, device_id) DO UPDATE SET "
    "last_seen_ms = excluded.last_seen_ms, platform = CASE WHEN excluded.platform = '' "
    "THEN devices.platform ELSE excluded.platform END";
inline constexpr char kListDevices[] =
    "SELECT d.device_id, d.platform, d.created_at_ms, d.last_seen_ms, "
    "COALESCE(p.platform, ''), COALESCE(p.updated_at_ms, 0) FROM devices d "
    "LEFT JOIN push_targets p ON p.username = d.username AND p.device_id = d.device_id "
    "WHERE d.username = ?1 "
    "UNION ALL SELECT p.device_id, '', p.created_at_ms, p.updated_at_ms, p.platform, "
    "p.updated_at_ms FROM push_targets p WHERE p.username = ?1 AND NOT EXISTS "
    "(SELECT 1 FROM devices d WHERE d.username = p.username AND d.device_id = p.device_id) "
    "ORDER BY 4 DESC, 1";
inline constexpr char kDeleteDevice[] =
    "DELETE FROM devices WHERE username = ?1 AND device_id = ?2";
inline constexpr char kDeletePushTarget[] =
    "DELETE FROM push_targets WHERE username = ?1 AND device_id = ?2";
}  // namespace profile_sql

// The broker notice SaveAndAnnounce writes with `profile`: kProfile of its user, created at its
// updated_at_ms.
inline store::BrokerNotice ProfileNotice(const Profile& profile) {
  store::BrokerNotice n;
  n.kind = store::NoticeKind::kProfile;
  n.username = profile.username;
  n.created_at_ms = profile.updated_at_ms;
  return n;
}

}  // namespace mqchat::api
