// The SQL of SqliteSearchStore, prepared once per connection. The index tables are in the
// attached index file (`idx.`, sqlite_search_file.h); members, messages, conversations and
// channels in the main one. Term lists are bound as JSON arrays of integers and read with
// json_each.
#pragma once

namespace mqchat::store::sqlite_search_sql {

inline constexpr char kBehind[] =
    "SELECT c.conversation_id FROM conversations c "
    "LEFT JOIN idx.search_progress s ON s.conversation_id = c.conversation_id "
    "WHERE c.last_seq > COALESCE(s.indexed_seq, 0) LIMIT ?1";
// The events after the progress of ?1, each with the message it touches (itself, or the
// target of an edit or a deletion; NULLs for reactions).
inline constexpr char kChanges[] =
    "SELECT e.seq, t.seq, t.message_id, t.body, t.kind, t.deleted_at_ms FROM messages e "
    "LEFT JOIN messages t ON t.conversation_id = e.conversation_id AND t.seq = "
    "CASE WHEN e.kind = 0 THEN e.seq WHEN e.kind IN (1, 2) THEN e.target_seq ELSE -1 END "
    "WHERE e.conversation_id = ?1 AND e.seq > COALESCE("
    "(SELECT indexed_seq FROM idx.search_progress WHERE conversation_id = ?1), 0) "
    "ORDER BY e.seq LIMIT ?2";
// The postings written before for (?1, seq ?2).
inline constexpr char kDeletePostings[] =
    "DELETE FROM idx.search_postings WHERE conversation_id = ?1 "
    "AND message_id = (SELECT message_id FROM idx.search_docs "
    "WHERE conversation_id = ?1 AND seq = ?2) "
    "AND term IN (SELECT value FROM json_each("
    "(SELECT terms FROM idx.search_docs WHERE conversation_id = ?1 AND seq = ?2)))";
inline constexpr char kDeleteDoc[] =
    "DELETE FROM idx.search_docs WHERE conversation_id = ?1 AND seq = ?2";
// Whether (?1, seq ?2) may be indexed now (read in the index write's transaction, so after
// the index file's lock is held): a message that expired or was erased since its text was
// read is not (sqlite_search_prune.h).
inline constexpr char kIndexable[] =
    "SELECT 1 FROM messages WHERE conversation_id = ?1 AND seq = ?2 AND kind = 0 "
    "AND deleted_at_ms = 0";
inline constexpr char kInsertPostings[] =
    "INSERT OR IGNORE INTO idx.search_postings (term, conversation_id, message_id, seq) "
    "SELECT value, ?1, ?3, ?2 FROM json_each(?4)";
inline constexpr char kUpsertDoc[] =
    "INSERT INTO idx.search_docs (conversation_id, seq, message_id, terms) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (conversation_id, seq) DO UPDATE SET message_id = excluded.message_id, "
    "terms = excluded.terms";
inline constexpr char kProgress[] =
    "INSERT INTO idx.search_progress (conversation_id, indexed_seq) VALUES (?1, ?2) "
    "ON CONFLICT (conversation_id) DO UPDATE SET "
    "indexed_seq = max(indexed_seq, excluded.indexed_seq)";
inline constexpr char kIsMember[] =
    "SELECT 1 FROM members WHERE conversation_id = ?1 AND username = ?2";
inline constexpr char kCountAll[] =
    "SELECT count(*) FROM (SELECT 1 FROM idx.search_postings WHERE term = ?1 LIMIT ?2)";
inline constexpr char kCountIn[] =
    "SELECT count(*) FROM (SELECT 1 FROM idx.search_postings WHERE term = ?1 "
    "AND conversation_id = ?3 LIMIT ?2)";

// Candidates: ?1 driver term, ?2 user, ?3 before message id, ?4 sender ('' any), ?5 from_ms,
// ?6 to_ms, ?7 the other terms (JSON), ?8 their number, ?9 limit, ?10 the conversation; and
// in kCandidatesAllChannels ?11, the text channels the user may view (JSON). A channel's
// candidates carry its name, the mark that it is one, and its server's id and name (the last
// three columns).
#define MQCHAT_SQLITE_CANDIDATE_COLUMNS(name, channel)                                       \
  "SELECT p.conversation_id, p.seq, m.message_id, m.sender, m.client_msg_id, m.body, "      \
  "m.created_at_ms, m.target_seq, m.edited_at_ms, c.kind, " name ", m.attachments, "         \
  channel " "
#define MQCHAT_SQLITE_MEMBER_COLUMNS MQCHAT_SQLITE_CANDIDATE_COLUMNS("c.name", "0, 0, ''")
#define MQCHAT_SQLITE_CHANNEL_COLUMNS                                     \
  MQCHAT_SQLITE_CANDIDATE_COLUMNS("COALESCE(ch.name, c.name)",            \
                                  "ch.channel_id IS NOT NULL, "           \
                                  "COALESCE(ch.server_id, 0), "           \
                                  "(SELECT sv.name FROM servers sv WHERE sv.server_id = ch.server_id)")
#define MQCHAT_SQLITE_CANDIDATE_FILTERS(join)                                                \
  "JOIN messages m ON m.conversation_id = p.conversation_id AND m.seq = p.seq "             \
  "JOIN conversations c ON c.conversation_id = p.conversation_id " join                     \
  "WHERE m.kind = 0 AND m.deleted_at_ms = 0 AND (?4 = '' OR m.sender = ?4) "                \
  "AND m.created_at_ms >= ?5 AND m.created_at_ms < ?6 "                                     \
  "AND (SELECT count(*) FROM idx.search_postings q WHERE q.term IN "                            \
  "(SELECT value FROM json_each(?7)) AND q.conversation_id = p.conversation_id "            \
  "AND q.message_id = p.message_id) = ?8 "                                                  \
  "ORDER BY p.message_id DESC LIMIT ?9"
inline constexpr char kCandidatesAll[] =
    MQCHAT_SQLITE_MEMBER_COLUMNS
    "FROM members mb JOIN idx.search_postings p ON p.term = ?1 "
    "AND p.conversation_id = mb.conversation_id AND p.message_id < ?3 "
    "AND mb.username = ?2 AND ?10 = 0 " MQCHAT_SQLITE_CANDIDATE_FILTERS("");
inline constexpr char kCandidatesIn[] =
    MQCHAT_SQLITE_MEMBER_COLUMNS
    "FROM idx.search_postings p JOIN members mb ON mb.conversation_id = p.conversation_id "
    "AND mb.username = ?2 AND p.term = ?1 AND p.conversation_id = ?10 "
    "AND p.message_id < ?3 " MQCHAT_SQLITE_CANDIDATE_FILTERS("");
// Issue 18: the member conversations and the viewable channels (which have no members rows).
inline constexpr char kCandidatesAllChannels[] =
    MQCHAT_SQLITE_CHANNEL_COLUMNS
    "FROM (SELECT conversation_id FROM members WHERE username = ?2 "
    "UNION ALL SELECT value FROM json_each(?11)) mb "
    "JOIN idx.search_postings p ON p.term = ?1 AND p.conversation_id = mb.conversation_id "
    "AND p.message_id < ?3 AND ?10 = 0 "
    MQCHAT_SQLITE_CANDIDATE_FILTERS("LEFT JOIN channels ch ON ch.channel_id = p.conversation_id ");
// One channel the user may view (?2 unused).
inline constexpr char kCandidatesInChannel[] =
    MQCHAT_SQLITE_CHANNEL_COLUMNS
    "FROM idx.search_postings p JOIN channels ch ON ch.channel_id = p.conversation_id "
    "AND p.term = ?1 AND p.conversation_id = ?10 AND p.message_id < ?3 "
    MQCHAT_SQLITE_CANDIDATE_FILTERS("");
#undef MQCHAT_SQLITE_CANDIDATE_COLUMNS
#undef MQCHAT_SQLITE_MEMBER_COLUMNS
#undef MQCHAT_SQLITE_CHANNEL_COLUMNS
#undef MQCHAT_SQLITE_CANDIDATE_FILTERS

}  // namespace mqchat::store::sqlite_search_sql
