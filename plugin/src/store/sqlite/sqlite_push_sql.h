// The SQL of SqlitePushStore (sqlite/sqlite_push_store.h), plus the push-job upsert that
// SqliteChatStore::AppendBatch runs inside its transaction. Constants only; bind values, never
// splice them in.
#pragma once

namespace mqchat::store::sqlite_push_sql {

// Records one collapsed job draft (?1 username, ?2 conversation, ?3 first_seq, ?4 last_seq,
// ?5 count, ?6 sender, ?7 preview, ?8 now, ?9 due time, ?10 due cap) unless the user has no
// push target, has muted the conversation, or is no longer a member (of the server, for a text
// channel; recipients come from a
// membership cache that may predate a removal; this transaction's view is the authority); if
// the pair already has a pending job, the draft is folded into it. The preview is stored only if the user allows
// previews (no push_settings row: allowed). Folding into a job whose first delivery has not
// started (coalesce_until_ms set) puts it off to ?9, never earlier and never past its cap (the
// debounce, MQCHAT_SQLITE_PUT_OFF); a claimed job keeps its time (a lease, a retry's backoff).
#define MQCHAT_SQLITE_PUT_OFF                                                    \
  "next_attempt_ms = CASE WHEN coalesce_until_ms IS NULL THEN next_attempt_ms " \
  "ELSE MAX(next_attempt_ms, MIN(excluded.next_attempt_ms, coalesce_until_ms)) END"
inline constexpr char kUpsertJob[] =
    "INSERT INTO push_jobs (username, conversation_id, first_seq, last_seq, message_count, "
    "sender, preview_text, created_at_ms, next_attempt_ms, coalesce_until_ms, mention) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, "
    "CASE WHEN COALESCE((SELECT preview FROM push_settings WHERE username = ?1), 1) = 1 "
    "THEN ?7 END, ?8, ?9, ?10, ?11 "
    "WHERE EXISTS (SELECT 1 FROM push_targets WHERE username = ?1) "
    // A text channel has no members rows (migration 021): its recipients are users it
    // mentions whom the writer found allowed to view it; here, still members of its server.
    "AND (EXISTS (SELECT 1 FROM members WHERE conversation_id = ?2 AND username = ?1) "
    "OR EXISTS (SELECT 1 FROM channels ch JOIN server_members sm ON sm.server_id = ch.server_id "
    "AND sm.username = ?1 WHERE ch.channel_id = ?2)) "
    "AND (NOT EXISTS (SELECT 1 FROM mutes WHERE conversation_id = ?2 AND username = ?1 "
    "AND (muted_until_ms = -1 OR muted_until_ms > ?8)) "
    // Migration 019: a mention (?11) passes a mute unless the user turned mention_push off.
    "OR (?11 = 1 AND COALESCE((SELECT mention_push FROM push_settings WHERE username = ?1), 1) "
    "= 1)) "
    "ON CONFLICT (username, conversation_id) WHERE state = 'pending' DO UPDATE SET "
    "mention = MAX(mention, excluded.mention), "
    "last_seq = MAX(last_seq, excluded.last_seq), "
    "message_count = message_count + excluded.message_count, "
    "sender = excluded.sender, preview_text = excluded.preview_text, " MQCHAT_SQLITE_PUT_OFF;

// Records a counts-only job (conversation 0, docs/PROTOCOL.md 7.2) for ?1, whose unread total
// changed by a read on device ?2, created at ?3, due at ?4 and put off at most to ?5, if ?1 has
// a push target on another device. A pending one takes the change in: its last_seq (a change
// counter for these jobs) grows by one, so a delivery in flight leaves it pending for the newer
// total, and it is put off as message jobs are.
inline constexpr char kUpsertCountsJob[] =
    "INSERT INTO push_jobs (username, conversation_id, first_seq, last_seq, message_count, "
    "sender, preview_text, created_at_ms, next_attempt_ms, coalesce_until_ms) "
    "SELECT ?1, 0, 1, 1, 0, '', NULL, ?3, ?4, ?5 "
    "WHERE EXISTS (SELECT 1 FROM push_targets WHERE username = ?1 AND device_id <> ?2) "
    "ON CONFLICT (username, conversation_id) WHERE state = 'pending' DO UPDATE SET "
    "last_seq = last_seq + 1, " MQCHAT_SQLITE_PUT_OFF;
#undef MQCHAT_SQLITE_PUT_OFF

// A token belongs to one device: drop it from every other device before registering it.
inline constexpr char kDropTokenElsewhere[] =
    "DELETE FROM push_targets WHERE platform = ?1 AND token = ?2 "
    "AND NOT (username = ?3 AND device_id = ?4)";
inline constexpr char kUpsertTarget[] =
    "INSERT INTO push_targets (username, device_id, platform, token, created_at_ms, "
    "updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?5) "
    "ON CONFLICT (username, device_id) DO UPDATE SET platform = excluded.platform, "
    "token = excluded.token, updated_at_ms = excluded.updated_at_ms";
inline constexpr char kDeleteTarget[] =
    "DELETE FROM push_targets WHERE username = ?1 AND device_id = ?2";
inline constexpr char kSetPreview[] =
    "INSERT INTO push_settings (username, preview, updated_at_ms) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (username) DO UPDATE SET preview = excluded.preview, "
    "updated_at_ms = excluded.updated_at_ms";
inline constexpr char kSetMentionPush[] =
    "INSERT INTO push_settings (username, preview, mention_push, updated_at_ms) "
    "VALUES (?1, 1, ?2, ?3) ON CONFLICT (username) DO UPDATE SET "
    "mention_push = excluded.mention_push, updated_at_ms = excluded.updated_at_ms";
inline constexpr char kSetMute[] =
    "INSERT INTO mutes (conversation_id, username, muted_until_ms) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (conversation_id, username) DO UPDATE SET "
    "muted_until_ms = excluded.muted_until_ms";
inline constexpr char kDeleteMute[] =
    "DELETE FROM mutes WHERE conversation_id = ?1 AND username = ?2";

#define MQCHAT_SQLITE_PUSH_JOB_COLUMNS                                              \
  "job_id, username, conversation_id, first_seq, last_seq, message_count, sender, " \
  "preview_text, created_at_ms, next_attempt_ms, attempts, state, last_error, mention"

// ?1 now, ?2 limit, ?3 lease end. A claimed job is no longer put off by folding.
inline constexpr char kClaimDue[] =
    "UPDATE push_jobs SET next_attempt_ms = ?3, coalesce_until_ms = NULL WHERE job_id IN ("
    "SELECT job_id FROM push_jobs WHERE state = 'pending' AND next_attempt_ms <= ?1 "
    "ORDER BY next_attempt_ms, job_id LIMIT ?2) RETURNING " MQCHAT_SQLITE_PUSH_JOB_COLUMNS;
inline constexpr char kNextDue[] =
    "SELECT MIN(next_attempt_ms) FROM push_jobs WHERE state = 'pending'";
inline constexpr char kTargetsOf[] =
    "SELECT username, device_id, platform, token, updated_at_ms FROM push_targets "
    "WHERE username = ?1 ORDER BY device_id";
inline constexpr char kIsMuted[] =
    "SELECT 1 FROM mutes WHERE conversation_id = ?1 AND username = ?2 "
    "AND (muted_until_ms = -1 OR muted_until_ms > ?3)";
// ?1's unread messages in the conversations they have not muted at ?2 (members_username_idx,
// then one conversation row and one mute probe per membership, and a count of the unread
// rows of kinds 0 and 5 (messages, call entries): edits, deletions and reactions are not
// unread; migrations 010 and 027).
inline constexpr char kUnreadTotal[] =
    "SELECT COALESCE(SUM((SELECT count(*) FROM messages x WHERE x.conversation_id = "
    "m.conversation_id AND x.seq > m.read_seq AND x.kind IN (0, 5))), 0) FROM members m "
    "JOIN conversations c ON c.conversation_id = m.conversation_id "
    "WHERE m.username = ?1 AND c.last_seq > m.read_seq "
    "AND NOT EXISTS (SELECT 1 FROM mutes u WHERE u.conversation_id = m.conversation_id "
    "AND u.username = ?1 AND (u.muted_until_ms = -1 OR u.muted_until_ms > ?2))";
inline constexpr char kRemoveToken[] =
    "DELETE FROM push_targets WHERE username = ?1 AND token = ?2";
inline constexpr char kRetryJob[] =
    "UPDATE push_jobs SET attempts = ?2, next_attempt_ms = ?3, last_error = ?4 "
    "WHERE job_id = ?1 AND state = 'pending'";
// Ends the job only if nothing was folded into it since it was claimed (?2 = last_seq seen).
inline constexpr char kFinishJob[] =
    "UPDATE push_jobs SET state = ?3, last_error = ?4, finished_at_ms = ?5 "
    "WHERE job_id = ?1 AND state = 'pending' AND last_seq = ?2";
// Otherwise keeps it pending for the messages after ?2 only (?3 = count seen, ?4 = now).
inline constexpr char kRebaseJob[] =
    "UPDATE push_jobs SET first_seq = ?2 + 1, message_count = message_count - ?3, "
    "attempts = 0, next_attempt_ms = ?4, last_error = NULL "
    "WHERE job_id = ?1 AND state = 'pending' AND last_seq > ?2";
inline constexpr char kPurgeFinished[] =
    "DELETE FROM push_jobs WHERE (state = 'delivered' AND finished_at_ms < ?1) "
    "OR (state = 'dead' AND finished_at_ms < ?2)";
inline constexpr char kListJobs[] =
    "SELECT " MQCHAT_SQLITE_PUSH_JOB_COLUMNS " FROM push_jobs WHERE username = ?1 ORDER BY job_id";

#undef MQCHAT_SQLITE_PUSH_JOB_COLUMNS

}  // namespace mqchat::store::sqlite_push_sql
