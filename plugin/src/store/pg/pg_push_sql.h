// The SQL of PgPushStore (pg/pg_push_store.h), plus the batched push-job upsert that
// PgChatStore::AppendBatch runs inside its transaction. Constants only; any thread.
#pragma once

#include "store/pg/pg_handles.h"

namespace mqchat::store::pg_push_sql {

// Records the collapsed job drafts of a batch, one row per (username, conversation) of
// $1..$7 (usernames, conversations, first seqs, last seqs, counts, senders, previews; $8 now,
// $9 due time, $10 due cap, $11 mentions, $12 true on a shard of a sharded store),
// skipping users without a push target (not on a shard: the targets are in the global database,
// and the push worker skips a job without one; store/sharded_push_store.h), users who muted
// the conversation, and users who are
// no longer members (of the server, for a text channel; recipients come from a membership cache
// that may predate a removal; the conversation lock AppendBatch holds makes this view the
// authority); a pair that already has a pending job gets the draft folded into it. The preview is
// stored only if the user allows previews (no push_settings row: allowed; a shard has none, and
// the push worker drops a shard job's preview if the global database's settings say so). Folding
// into a job whose first delivery has not started (coalesce_until_ms set) puts it off to $9, never
// earlier and never past its cap (the debounce, MQCHAT_PG_PUT_OFF); a claimed job keeps its time (a
// lease, a retry's backoff). The drafts hold each pair once, as ON CONFLICT DO UPDATE may touch a
// row only once per statement.
#define MQCHAT_PG_PUT_OFF                                                    \
  "next_attempt_ms = CASE WHEN push_jobs.coalesce_until_ms IS NULL "         \
  "THEN push_jobs.next_attempt_ms ELSE GREATEST(push_jobs.next_attempt_ms, " \
  "LEAST(EXCLUDED.next_attempt_ms, push_jobs.coalesce_until_ms)) END"
inline constexpr PgStatement kUpsertJobs = {
    "mqchat_push_upsert_jobs",
    "INSERT INTO push_jobs (username, conversation_id, first_seq, last_seq, message_count, "
    "sender, preview_text, created_at_ms, next_attempt_ms, coalesce_until_ms, mention) "
    "SELECT j.username, j.conversation_id, j.first_seq, j.last_seq, j.n, j.sender, "
    "CASE WHEN COALESCE(s.preview, TRUE) THEN j.preview END, $8::bigint, $9::bigint, "
    "$10::bigint, j.mention "
    "FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], "
    "$6::text[], $7::text[], $11::boolean[]) AS j(username, conversation_id, first_seq, "
    "last_seq, n, sender, preview, mention) "
    "LEFT JOIN push_settings s ON s.username = j.username "
    "WHERE ($12::boolean OR EXISTS (SELECT 1 FROM push_targets t WHERE t.username = j.username)) "
    // A text channel has no members rows (migration 021): its recipients are users it
    // mentions whom the writer found allowed to view it; here, still members of its server.
    "AND (EXISTS (SELECT 1 FROM members mb WHERE mb.conversation_id = j.conversation_id "
    "AND mb.username = j.username) "
    "OR EXISTS (SELECT 1 FROM channels ch JOIN server_members sm ON sm.server_id = ch.server_id "
    "AND sm.username = j.username WHERE ch.channel_id = j.conversation_id)) "
    "AND (NOT EXISTS (SELECT 1 FROM mutes m WHERE m.conversation_id = j.conversation_id "
    "AND m.username = j.username AND (m.muted_until_ms = -1 OR m.muted_until_ms > $8::bigint)) "
    // Migration 019: a mention passes a mute unless the user turned mention_push off.
    "OR (j.mention AND COALESCE(s.mention_push, TRUE))) "
    "ON CONFLICT (username, conversation_id) WHERE state = 'pending' DO UPDATE SET "
    "mention = push_jobs.mention OR EXCLUDED.mention, "
    "last_seq = GREATEST(push_jobs.last_seq, EXCLUDED.last_seq), "
    "message_count = push_jobs.message_count + EXCLUDED.message_count, "
    "sender = EXCLUDED.sender, preview_text = EXCLUDED.preview_text, " MQCHAT_PG_PUT_OFF};

// Records a counts-only job (conversation 0, docs/PROTOCOL.md 7.2) for $1, whose unread total
// changed by a read on device $2, created at $3, due at $4 and put off at most to $5, if $1 has
// a push target on another device. A pending one takes the change in: its last_seq (a change
// counter for these jobs) grows by one, so a delivery in flight leaves it pending for the newer
// total, and it is put off as message jobs are.
inline constexpr PgStatement kUpsertCountsJob = {
    "mqchat_push_upsert_counts_job",
    "INSERT INTO push_jobs (username, conversation_id, first_seq, last_seq, message_count, "
    "sender, preview_text, created_at_ms, next_attempt_ms, coalesce_until_ms) "
    "SELECT $1::text, 0, 1, 1, 0, '', NULL, $3::bigint, $4::bigint, $5::bigint "
    "WHERE EXISTS (SELECT 1 FROM push_targets WHERE username = $1::text "
    "AND device_id <> $2::text) "
    "ON CONFLICT (username, conversation_id) WHERE state = 'pending' DO UPDATE SET "
    "last_seq = push_jobs.last_seq + 1, " MQCHAT_PG_PUT_OFF};
#undef MQCHAT_PG_PUT_OFF

// A token belongs to one device: drop it from every other device before registering it.
inline constexpr PgStatement kDropTokenElsewhere = {
    "mqchat_push_drop_token_elsewhere",
    "DELETE FROM push_targets WHERE platform = $1::text AND token = $2::text "
    "AND NOT (username = $3::text AND device_id = $4::text)"};
inline constexpr PgStatement kUpsertTarget = {
    "mqchat_push_upsert_target",
    "INSERT INTO push_targets (username, device_id, platform, token, created_at_ms, "
    "updated_at_ms) VALUES ($1::text, $2::text, $3::text, $4::text, $5::bigint, $5::bigint) "
    "ON CONFLICT (username, device_id) DO UPDATE SET platform = EXCLUDED.platform, "
    "token = EXCLUDED.token, updated_at_ms = EXCLUDED.updated_at_ms"};
inline constexpr PgStatement kDeleteTarget = {
    "mqchat_push_delete_target",
    "DELETE FROM push_targets WHERE username = $1::text AND device_id = $2::text "
    "RETURNING device_id"};
inline constexpr PgStatement kSetPreview = {
    "mqchat_push_set_preview",
    "INSERT INTO push_settings (username, preview, updated_at_ms) "
    "VALUES ($1::text, $2::boolean, $3::bigint) "
    "ON CONFLICT (username) DO UPDATE SET preview = EXCLUDED.preview, "
    "updated_at_ms = EXCLUDED.updated_at_ms"};
inline constexpr PgStatement kSetMentionPush = {
    "mqchat_push_set_mention_push",
    "INSERT INTO push_settings (username, preview, mention_push, updated_at_ms) "
    "VALUES ($1::text, TRUE, $2::boolean, $3::bigint) "
    "ON CONFLICT (username) DO UPDATE SET mention_push = EXCLUDED.mention_push, "
    "updated_at_ms = EXCLUDED.updated_at_ms"};
inline constexpr PgStatement kSetMute = {
    "mqchat_push_set_mute",
    "INSERT INTO mutes (conversation_id, username, muted_until_ms) "
    "VALUES ($1::bigint, $2::text, $3::bigint) "
    "ON CONFLICT (conversation_id, username) DO UPDATE SET "
    "muted_until_ms = EXCLUDED.muted_until_ms"};
inline constexpr PgStatement kDeleteMute = {
    "mqchat_push_delete_mute",
    "DELETE FROM mutes WHERE conversation_id = $1::bigint AND username = $2::text"};

#define MQCHAT_PG_PUSH_JOB_COLUMNS(p)                                                             \
  p "job_id, " p "username, " p "conversation_id, " p "first_seq, " p "last_seq, " p              \
    "message_count, " p "sender, " p "preview_text, " p "created_at_ms, " p "next_attempt_ms, " p \
    "attempts, " p "state, " p "last_error, " p "mention"

// $1 now, $2 limit, $3 lease end. SKIP LOCKED: brokers sharing the queue claim disjoint jobs.
// A claimed job is no longer put off by folding.
inline constexpr PgStatement kClaimDue = {
    "mqchat_push_claim_due",
    "UPDATE push_jobs j SET next_attempt_ms = $3::bigint, coalesce_until_ms = NULL FROM ("
    "SELECT job_id FROM push_jobs WHERE state = 'pending' AND next_attempt_ms <= $1::bigint "
    "ORDER BY next_attempt_ms, job_id LIMIT $2::bigint FOR UPDATE SKIP LOCKED) due "
    "WHERE j.job_id = due.job_id RETURNING " MQCHAT_PG_PUSH_JOB_COLUMNS("j.")};
inline constexpr PgStatement kNextDue = {
    "mqchat_push_next_due", "SELECT MIN(next_attempt_ms) FROM push_jobs WHERE state = 'pending'"};
inline constexpr PgStatement kTargetsOf = {
    "mqchat_push_targets_of",
    "SELECT username, device_id, platform, token, updated_at_ms FROM push_targets "
    "WHERE username = $1::text ORDER BY device_id"};
inline constexpr PgStatement kIsMuted = {
    "mqchat_push_is_muted",
    "SELECT 1 FROM mutes WHERE conversation_id = $1::bigint AND username = $2::text "
    "AND (muted_until_ms = -1 OR muted_until_ms > $3::bigint)"};
// $1's unread messages in the conversations they have not muted at $2 (members_username_idx,
// then one conversation row and one mute probe per membership, and a count of the unread
// rows of kinds 0 and 5 (messages, call entries): edits, deletions and reactions are not
// unread; migrations 010 and 027).
inline constexpr PgStatement kUnreadTotal = {
    "mqchat_push_unread_total",
    "SELECT COALESCE(SUM((SELECT count(*) FROM messages x WHERE x.conversation_id = "
    "m.conversation_id AND x.seq > m.read_seq AND x.kind IN (0, 5))), 0)::bigint FROM members m "
    "JOIN conversations c ON c.conversation_id = m.conversation_id "
    "WHERE m.username = $1::text AND c.last_seq > m.read_seq "
    "AND NOT EXISTS (SELECT 1 FROM mutes u WHERE u.conversation_id = m.conversation_id "
    "AND u.username = $1::text AND (u.muted_until_ms = -1 OR u.muted_until_ms > $2::bigint))"};
inline constexpr PgStatement kRemoveTokens = {
    "mqchat_push_remove_tokens",
    "DELETE FROM push_targets WHERE username = $1::text AND token = ANY($2::text[])"};
inline constexpr PgStatement kRetryJob = {
    "mqchat_push_retry_job",
    "UPDATE push_jobs SET attempts = $2::integer, next_attempt_ms = $3::bigint, "
    "last_error = $4::text WHERE job_id = $1::bigint AND state = 'pending'"};
// Ends the job only if nothing was folded into it since it was claimed ($2 = last_seq seen).
inline constexpr PgStatement kFinishJob = {
    "mqchat_push_finish_job",
    "UPDATE push_jobs SET state = $3::text, last_error = $4::text, finished_at_ms = $5::bigint "
    "WHERE job_id = $1::bigint AND state = 'pending' AND last_seq = $2::bigint "
    "RETURNING job_id"};
// Otherwise keeps it pending for the messages after $2 only ($3 = count seen, $4 = now).
inline constexpr PgStatement kRebaseJob = {
    "mqchat_push_rebase_job",
    "UPDATE push_jobs SET first_seq = $2::bigint + 1, "
    "message_count = message_count - $3::bigint, attempts = 0, next_attempt_ms = $4::bigint, "
    "last_error = NULL WHERE job_id = $1::bigint AND state = 'pending' "
    "AND last_seq > $2::bigint RETURNING job_id"};
inline constexpr PgStatement kPurgeFinished = {
    "mqchat_push_purge_finished",
    "DELETE FROM push_jobs WHERE (state = 'delivered' AND finished_at_ms < $1::bigint) "
    "OR (state = 'dead' AND finished_at_ms < $2::bigint)"};
inline constexpr PgStatement kListJobs = {
    "mqchat_push_list_jobs",
    "SELECT " MQCHAT_PG_PUSH_JOB_COLUMNS("") " FROM push_jobs WHERE username = $1::text "
    "ORDER BY job_id"};

#undef MQCHAT_PG_PUSH_JOB_COLUMNS

// Prepared by PgPushStore.
inline constexpr const PgStatement* kAll[] = {
    &kUpsertCountsJob, &kUnreadTotal,   &kDropTokenElsewhere,
    &kUpsertTarget,    &kDeleteTarget,  &kSetPreview,      &kSetMentionPush,
    &kSetMute,         &kDeleteMute,    &kClaimDue,
    &kNextDue,         &kTargetsOf,     &kIsMuted,
    &kRemoveTokens,    &kRetryJob,      &kFinishJob,
    &kRebaseJob,       &kPurgeFinished, &kListJobs};

}  // namespace mqchat::store::pg_push_sql
