// The SQL of PgSearchStore (migration 014), prepared once per connection. Term lists are bound
// as bigint[] literals ("{1,2,3}").
#pragma once

#include "store/pg/pg_handles.h"

namespace mqchat::store::pg_search_sql {

inline constexpr PgStatement kBehind = {
    "mqchat_search_behind",
    "SELECT c.conversation_id FROM conversations c "
    "LEFT JOIN search_progress s ON s.conversation_id = c.conversation_id "
    "WHERE c.last_seq > COALESCE(s.indexed_seq, 0) LIMIT $1::bigint"};
// The events after the progress of $1, each with the message it touches (itself, or the
// target of an edit or a deletion; NULLs for reactions), read by its key: as a plain join, the
// generic plan read the conversation's every message for each event (a join filter over them
// all: quadratic in a long conversation).
inline constexpr PgStatement kChanges = {
    "mqchat_search_changes",
    "SELECT e.seq, t.seq, t.message_id, t.body, t.kind, t.deleted_at_ms FROM messages e "
    "LEFT JOIN LATERAL (SELECT t.seq, t.message_id, t.body, t.kind, t.deleted_at_ms "
    "FROM messages t WHERE t.conversation_id = $1::bigint AND t.seq = "
    "CASE WHEN e.kind = 0 THEN e.seq WHEN e.kind IN (1, 2) THEN e.target_seq ELSE -1 END "
    "OFFSET 0) t ON true "
    "WHERE e.conversation_id = $1::bigint AND e.seq > COALESCE("
    "(SELECT indexed_seq FROM search_progress WHERE conversation_id = $1::bigint), 0) "
    "ORDER BY e.seq LIMIT $2::bigint"};
// A chunk's entries are written by two statements whatever their number (issue 17: one
// message per statement ran at ~1,100 messages/s). First the postings written before for the
// seqs $2 of conversation $1, and the records of the seqs $3 whose entries are now empty
// (deleted messages).
inline constexpr PgStatement kDeleteEntries = {
    "mqchat_search_delete_entries",
    "WITH gone AS (DELETE FROM search_postings p USING search_docs d "
    "WHERE d.conversation_id = $1::bigint AND d.seq = ANY ($2::bigint[]) "
    "AND p.term = ANY (d.terms) AND p.conversation_id = d.conversation_id "
    "AND p.message_id = d.message_id) "
    "DELETE FROM search_docs WHERE conversation_id = $1::bigint AND seq = ANY ($3::bigint[])"};
// Conversation $1's index lock, a transaction-level advisory lock: the indexer holds it shared
// while it writes a chunk (first in its transaction, so kWriteEntries' snapshot is taken after
// it), and a retention batch or an erasure holds it exclusive from after its removal to its
// commit, before kPruneRange. So a chunk that began first has committed when the prune looks
// (which then removes what it wrote), and one that begins later waits for the removal's commit
// and then finds the messages gone. No row of `messages` is locked: a send or an edit never
// waits for the indexer. (The key is a hash of the id; two conversations sharing one only
// wait for each other.)
inline constexpr PgStatement kLockIndexShared = {
    "mqchat_search_lock_shared",
    "SELECT pg_advisory_xact_lock_shared(1836213091, hashint8($1::bigint))"};
inline constexpr PgStatement kLockIndex = {
    "mqchat_search_lock", "SELECT pg_advisory_xact_lock(1836213091, hashint8($1::bigint))"};
// Then the postings of the non-empty entries, as three parallel arrays (one element per
// posting: term $2, message id $3, seq $4), and each message's record of its terms (ascending,
// as search::EntriesFor sorted them): only of messages that may still be indexed (not removed
// by retention, not deleted or erased), read after kLockIndexShared.
inline constexpr PgStatement kWriteEntries = {
    "mqchat_search_write_entries",
    "WITH live AS (SELECT seq FROM messages WHERE conversation_id = $1::bigint "
    "AND seq = ANY ($4::bigint[]) AND kind = 0 AND deleted_at_ms = 0), "
    "t AS (SELECT * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[]) "
    "AS t(term, message_id, seq) WHERE t.seq IN (SELECT seq FROM live)), "
    "p AS (INSERT INTO search_postings (term, conversation_id, message_id, seq) "
    "SELECT term, $1::bigint, message_id, seq FROM t ON CONFLICT DO NOTHING) "
    "INSERT INTO search_docs (conversation_id, seq, message_id, terms) "
    "SELECT $1::bigint, seq, message_id, array_agg(term ORDER BY term) FROM t "
    "GROUP BY seq, message_id "
    "ON CONFLICT (conversation_id, seq) DO UPDATE SET message_id = EXCLUDED.message_id, "
    "terms = EXCLUDED.terms"};
// The entries (postings and records) of conversation $1's seqs in ($2, $3]: run by the
// retention sweep and by erasure in the transaction that removes the messages or their text,
// after it and after kLockIndex.
inline constexpr PgStatement kPruneRange = {
    "mqchat_search_prune_range",
    "WITH gone AS (DELETE FROM search_postings p USING search_docs d "
    "WHERE d.conversation_id = $1::bigint AND d.seq > $2::bigint AND d.seq <= $3::bigint "
    "AND p.term = ANY (d.terms) AND p.conversation_id = d.conversation_id "
    "AND p.message_id = d.message_id) "
    "DELETE FROM search_docs WHERE conversation_id = $1::bigint AND seq > $2::bigint "
    "AND seq <= $3::bigint"};
inline constexpr PgStatement kProgress = {
    "mqchat_search_progress",
    "INSERT INTO search_progress (conversation_id, indexed_seq) VALUES ($1::bigint, $2::bigint) "
    "ON CONFLICT (conversation_id) DO UPDATE SET "
    "indexed_seq = GREATEST(search_progress.indexed_seq, EXCLUDED.indexed_seq)"};
inline constexpr PgStatement kIsMember = {
    "mqchat_search_is_member",
    "SELECT 1 FROM members WHERE conversation_id = $1::bigint AND username = $2::text"};
inline constexpr PgStatement kCountAll = {
    "mqchat_search_count_all",
    "SELECT count(*) FROM (SELECT 1 FROM search_postings WHERE term = $1::bigint "
    "LIMIT $2::bigint) s"};
inline constexpr PgStatement kCountIn = {
    "mqchat_search_count_in",
    "SELECT count(*) FROM (SELECT 1 FROM search_postings WHERE term = $1::bigint "
    "AND conversation_id = $3::bigint LIMIT $2::bigint) s"};

// Candidates: $1 driver term, $2 user, $3 before message id, $4 sender ('' any), $5 from_ms,
// $6 to_ms, $7 the other terms, $8 their number, $9 limit, $10 the conversation (0: all); and
// in kCandidatesAllChannels $11, the text channels the user may view. A channel's candidates
// carry its name, the mark that it is one (1), and its server's id and name (the last three
// columns).
//
// Each reads the driver's postings in the conversations it may first, from the postings' index
// alone, newest first (the subquery, kept apart from the rest by OFFSET 0); then walks them in
// that order, reading each one's message by its key (a lateral subquery, also kept apart) and
// checking the filters and the other terms, until $9 pass. Planned as one join, a prepared
// statement's generic plan (PostgreSQL's choice after five runs, made without the parameters'
// values) guessed the user's 4 conversations where "searcher" has 200 and one message passing the
// date filter where all do: it read every message of every conversation and probed the postings for
// each (20,000 messages for 50 results, 0.38 s at 200,000 messages, 1.2 s on the loaded machine),
// where this shape reads the ~3,000 postings and 50 messages under either plan (docs/BENCHMARKS.md
// "Search"; tests/store_backends/pg_search_plan_test.cpp).
#define MQCHAT_PG_CANDIDATE_COLUMNS(name, channel)                                     \
  "SELECT p.conversation_id, p.seq, m.message_id, m.sender, m.client_msg_id, m.body, " \
  "m.created_at_ms, m.target_seq, m.edited_at_ms, c.kind, " name ", m.attachments, " channel " "
#define MQCHAT_PG_MEMBER_COLUMNS MQCHAT_PG_CANDIDATE_COLUMNS("c.name", "0, 0::bigint, ''::text")
#define MQCHAT_PG_CHANNEL_COLUMNS                                                   \
  MQCHAT_PG_CANDIDATE_COLUMNS("COALESCE(ch.name, c.name)",                          \
                              "CASE WHEN ch.channel_id IS NULL THEN 0 ELSE 1 END, " \
                              "COALESCE(ch.server_id, 0), "                         \
                              "COALESCE((SELECT sv.name FROM servers sv "           \
                              "WHERE sv.server_id = ch.server_id), '')")
#define MQCHAT_PG_POSTINGS(from)                              \
  "FROM (SELECT p.conversation_id, p.message_id, p.seq " from \
  " ORDER BY p.message_id DESC OFFSET 0) p "
#define MQCHAT_PG_CANDIDATE_FILTERS(join)                                                       \
  "CROSS JOIN LATERAL (SELECT m.* FROM messages m WHERE m.conversation_id = p.conversation_id " \
  "AND m.seq = p.seq AND m.kind = 0 AND m.deleted_at_ms = 0 "                                   \
  "AND ($4::text = '' OR m.sender = $4::text) "                                                 \
  "AND m.created_at_ms >= $5::bigint AND m.created_at_ms < $6::bigint OFFSET 0) m "             \
  "JOIN conversations c ON c.conversation_id = p.conversation_id " join                         \
  "WHERE (SELECT count(*) FROM search_postings q WHERE q.term = ANY ($7::bigint[]) "            \
  "AND q.conversation_id = p.conversation_id AND q.message_id = p.message_id) = $8::bigint "    \
  "ORDER BY p.message_id DESC LIMIT $9::bigint"
inline constexpr PgStatement kCandidatesAll = {
    "mqchat_search_candidates_all",
    MQCHAT_PG_MEMBER_COLUMNS MQCHAT_PG_POSTINGS(
        "FROM members mb JOIN search_postings p ON p.term = $1::bigint "
        "AND p.conversation_id = mb.conversation_id AND p.message_id < $3::bigint "
        "AND mb.username = $2::text AND $10::bigint = 0") MQCHAT_PG_CANDIDATE_FILTERS("")};
inline constexpr PgStatement kCandidatesIn = {
    "mqchat_search_candidates_in",
    MQCHAT_PG_MEMBER_COLUMNS MQCHAT_PG_POSTINGS(
        "FROM search_postings p JOIN members mb ON mb.conversation_id = p.conversation_id "
        "AND mb.username = $2::text AND p.term = $1::bigint AND p.conversation_id = $10::bigint "
        "AND p.message_id < $3::bigint") MQCHAT_PG_CANDIDATE_FILTERS("")};
// Issue 18: the member conversations and the viewable channels (which have no members rows).
inline constexpr PgStatement kCandidatesAllChannels = {
    "mqchat_search_candidates_all_channels",
    MQCHAT_PG_CHANNEL_COLUMNS MQCHAT_PG_POSTINGS(
        "FROM (SELECT conversation_id FROM members WHERE username = $2::text "
        "UNION ALL SELECT unnest($11::bigint[])) mb "
        "JOIN search_postings p ON p.term = $1::bigint AND p.conversation_id = mb.conversation_id "
        "AND p.message_id < $3::bigint AND $10::bigint = 0")
        MQCHAT_PG_CANDIDATE_FILTERS("LEFT JOIN channels ch ON ch.channel_id = p.conversation_id ")};
// One channel the user may view ($2 is not used: a channel has no members rows).
inline constexpr PgStatement kCandidatesInChannel = {
    "mqchat_search_candidates_in_channel",
    MQCHAT_PG_CHANNEL_COLUMNS MQCHAT_PG_POSTINGS(
        "FROM search_postings p JOIN channels ch ON ch.channel_id = p.conversation_id "
        "AND p.term = $1::bigint AND p.conversation_id = $10::bigint "
        "AND p.message_id < $3::bigint AND $2::text IS NOT NULL")
        MQCHAT_PG_CANDIDATE_FILTERS("JOIN channels ch ON ch.channel_id = p.conversation_id ")};
#undef MQCHAT_PG_CANDIDATE_COLUMNS
#undef MQCHAT_PG_MEMBER_COLUMNS
#undef MQCHAT_PG_CHANNEL_COLUMNS
#undef MQCHAT_PG_POSTINGS
#undef MQCHAT_PG_CANDIDATE_FILTERS

inline constexpr const PgStatement* kAll[] = {&kBehind,
                                              &kChanges,
                                              &kLockIndexShared,
                                              &kDeleteEntries,
                                              &kWriteEntries,
                                              &kProgress,
                                              &kIsMember,
                                              &kCountAll,
                                              &kCountIn,
                                              &kCandidatesAll,
                                              &kCandidatesIn,
                                              &kCandidatesAllChannels,
                                              &kCandidatesInChannel};

}  // namespace mqchat::store::pg_search_sql
