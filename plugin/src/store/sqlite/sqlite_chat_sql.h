// The SQL of SqliteChatStore (sqlite/sqlite_chat_store.h), prepared once per connection and run
// with BindAndStep / BindAndRun (sqlite/sqlite_helpers.h), and its row reader. A statement
// belongs to the thread that owns its connection.
#pragma once

#include <cstdint>
#include <string_view>

#include "mqchat/status.h"
#include "store/chat_store.h"
#include "store/mentions.h"
#include "sqlite/sqlite_helpers.h"

namespace mqchat::store::sqlite_chat_sql {

inline constexpr char kUserRow[] = "SELECT 1 FROM users WHERE username = ?1";
inline constexpr char kActiveUser[] = "SELECT 1 FROM users WHERE username = ?1 AND state <> 2";
// rev = MAX(rev) + 1, exactly as SqliteAccountStore::AddUser maintains it: safe because the
// statement runs inside a BEGIN IMMEDIATE transaction (one writer at a time).
inline constexpr char kEnsureUser[] =
    "INSERT INTO users (username, username_key, password_hash, state, rev, created_at_ms, "
    "updated_at_ms) "
    "VALUES (?1, ?2, '', 0, (SELECT COALESCE(MAX(rev), 0) + 1 FROM users), ?3, ?3) "
    "ON CONFLICT DO NOTHING";  // a name taken in another case is no new user (UsernameKey)
// The slow mode: a text channel's from its channels row (migration 026; the channel's
// conversations row keeps 018's column at 0), a group's from its own row.
inline constexpr char kHead[] =
    "SELECT c.kind, c.member_count, c.last_seq, COALESCE((SELECT ch.slow_mode_s FROM channels ch "
    "WHERE ch.channel_id = c.conversation_id), c.slow_mode_s) FROM conversations c "
    "WHERE c.conversation_id = ?1";
inline constexpr char kMemberRole[] =
    "SELECT role FROM members WHERE conversation_id = ?1 AND username = ?2";
inline constexpr char kInsertDirect[] =
    "INSERT INTO conversations (conversation_id, kind, name, direct_key, member_count, "
    "created_by, created_at_ms) VALUES (?1, 1, '', ?2, 2, ?3, ?4) "
    "ON CONFLICT (direct_key) DO NOTHING";
inline constexpr char kFindDirect[] =
    "SELECT conversation_id FROM conversations WHERE direct_key = ?1";
inline constexpr char kInsertGroup[] =
    "INSERT INTO conversations (conversation_id, kind, name, member_count, created_by, "
    "created_at_ms) VALUES (?1, 2, ?2, ?3, ?4, ?5)";
inline constexpr char kInsertMember[] =
    "INSERT INTO members (conversation_id, username, role, read_seq, joined_at_ms) "
    "VALUES (?1, ?2, ?3, 0, ?4)";
// Every membership change runs this (and only they do), so it also raises members_version.
inline constexpr char kAdjustMemberCount[] =
    "UPDATE conversations SET member_count = member_count + ?2, "
    "members_version = members_version + 1 WHERE conversation_id = ?1";
inline constexpr char kDeleteMember[] =
    "DELETE FROM members WHERE conversation_id = ?1 AND username = ?2";
// After the owner left: the longest-standing admin, else member, becomes the owner.
inline constexpr char kPromoteOldest[] =
    "UPDATE members SET role = 2 WHERE conversation_id = ?1 AND username = ("
    "SELECT username FROM members WHERE conversation_id = ?1 "
    "ORDER BY role DESC, joined_at_ms, username LIMIT 1)";
inline constexpr char kRename[] = "UPDATE conversations SET name = ?2 WHERE conversation_id = ?1";
inline constexpr char kMarkRead[] =
    "UPDATE members SET read_seq = MAX(read_seq, MIN(?3, "
    "(SELECT last_seq FROM conversations WHERE conversation_id = ?1))) "
    "WHERE conversation_id = ?1 AND username = ?2 RETURNING read_seq";
// Members are listed owner first, then admins, then members, each by join time (chat_rules.h).
inline constexpr char kGetConversation[] =
    "SELECT c.conversation_id, c.kind, c.name, c.last_seq, c.created_at_ms, c.members_version, "
    "m.username, m.role, m.read_seq, m.joined_at_ms, c.slow_mode_s "
    "FROM conversations c LEFT JOIN members m ON m.conversation_id = c.conversation_id "
    "WHERE c.conversation_id = ?1 ORDER BY m.role DESC, m.joined_at_ms, m.username";
// A resend within the window (migration 028): the key's seq in recent_sends, then the message.
inline constexpr char kFindMessage[] =
    "SELECT m.seq, m.message_id, m.body, m.created_at_ms FROM recent_sends r "
    "JOIN messages m ON m.conversation_id = r.conversation_id AND m.seq = r.seq "
    "WHERE r.conversation_id = ?1 AND r.sender = ?2 AND r.client_msg_id = ?3";
// Each new entry's key, kept for the resend window; a key whose message retention removed is
// taken over by the new one.
inline constexpr char kInsertRecentSend[] =
    "INSERT INTO recent_sends (conversation_id, sender, client_msg_id, seq, created_at_ms, kind) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (conversation_id, sender, client_msg_id) "
    "DO UPDATE SET seq = excluded.seq, created_at_ms = excluded.created_at_ms, kind = "
    "excluded.kind";
// The time of the sender's newest message (kind 0) in a conversation, for slow mode: one probe
// of recent_sends_sender_idx (migration 028: the resend window is at least the longest slow
// mode). NULL (read as 0) if none.
inline constexpr char kLastMessageAt[] =
    "SELECT max(created_at_ms) FROM recent_sends WHERE conversation_id = ?1 AND sender = ?2 "
    "AND kind = 0";
inline constexpr char kAllocSeqs[] =
    "UPDATE conversations SET last_seq = last_seq + ?2, "
    "last_activity_ms = MAX(COALESCE(last_activity_ms, ?3), ?3) "
    "WHERE conversation_id = ?1 RETURNING last_seq, members_version";
inline constexpr char kInsertMessage[] =
    "INSERT INTO messages (conversation_id, seq, message_id, sender, client_msg_id, body, "
    "created_at_ms, kind, target_seq, mentions, attachments) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
inline constexpr char kAdvanceRead[] =
    "UPDATE members SET read_seq = MAX(read_seq, ?3) WHERE conversation_id = ?1 AND username = ?2";
// A conversation without messages counts as active since its creation. The last message and
// the unread count are of messages (kind 0), not edits, deletions or reactions (call entries,
// kind 5, count as unread; migration 027): the newest kind-0 row (a backward walk of the
// primary key from last_seq, usually one row), and a count over the primary key range above
// read_seq (as long as what is unread).
inline constexpr char kListConversations[] =
    "SELECT c.conversation_id, c.kind, c.name, c.last_seq, me.read_seq, "
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
    "LEFT JOIN messages m ON m.conversation_id = c.conversation_id AND m.seq = ("
    "SELECT max(y.seq) FROM messages y WHERE y.conversation_id = c.conversation_id "
    "AND y.kind = 0) "
    "WHERE me.username = ?1 "
    "ORDER BY COALESCE(c.last_activity_ms, c.created_at_ms) DESC, c.conversation_id DESC";
inline constexpr char kListMembersOfUser[] =
    "SELECT o.conversation_id, o.username FROM members me "
    "JOIN members o ON o.conversation_id = me.conversation_id WHERE me.username = ?1 "
    "ORDER BY o.conversation_id, o.role DESC, o.joined_at_ms, o.username";
inline constexpr char kHistoryBefore[] =
    "SELECT conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms, kind, target_seq, edited_at_ms, deleted_at_ms, mentions, attachments "
    "FROM messages WHERE conversation_id = ?1 AND seq < ?2 ORDER BY seq DESC LIMIT ?3";
inline constexpr char kHistoryAfter[] =
    "SELECT conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms, kind, target_seq, edited_at_ms, deleted_at_ms, mentions, attachments "
    "FROM messages WHERE conversation_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3";
// Each max() is one probe at the end of an index (messages_message_id_idx, the rowid); the
// two-argument max() is NULL if either is, hence the COALESCEs (empty tables).
inline constexpr char kMaxIssuedId[] =
    "SELECT max(COALESCE((SELECT max(message_id) FROM messages), 0), "
    "COALESCE((SELECT max(conversation_id) FROM conversations), 0))";

// A read-only transaction, so that several SELECTs see one snapshot. Unlike SqliteTxn it
// takes no write lock. Ends (ROLLBACK, which releases the snapshot) when destroyed.
class ReadSnapshot {
 public:
  static Result<ReadSnapshot> Begin(sqlite3* db) {
    MQCHAT_RETURN_IF_ERROR(ExecSqlite(db, "BEGIN"));
    return ReadSnapshot(db);
  }
  ~ReadSnapshot() {
    if (db_ != nullptr && !sqlite3_get_autocommit(db_)) {
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  }
  ReadSnapshot(ReadSnapshot&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  ReadSnapshot& operator=(ReadSnapshot&&) = delete;

 private:
  explicit ReadSnapshot(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// Reads conversation_id, seq, message_id, sender, client_msg_id, body, created_at_ms, kind,
// target_seq, edited_at_ms, deleted_at_ms from column `first` on (the statements that have
// `mentions` after them read it with ReadMentions).
inline StoredMessage ReadMessage(sqlite3_stmt* stmt, int first) {
  StoredMessage msg;
  msg.conversation_id = ColumnInt64(stmt, first);
  msg.seq = ColumnInt64(stmt, first + 1);
  msg.message_id = ColumnInt64(stmt, first + 2);
  msg.sender = ColumnText(stmt, first + 3);
  msg.client_msg_id = ColumnText(stmt, first + 4);
  msg.text = ColumnText(stmt, first + 5);
  msg.created_at_ms = ColumnInt64(stmt, first + 6);
  msg.kind = static_cast<EventKind>(ColumnInt64(stmt, first + 7));  // CHECK: 0..5 (migration 027)
  msg.target_seq = ColumnInt64(stmt, first + 8);
  msg.edited_at_ms = ColumnInt64(stmt, first + 9);
  msg.deleted_at_ms = ColumnInt64(stmt, first + 10);
  return msg;
}

// The `mentions` column (migration 019) at `column`.
inline std::vector<std::string> ReadMentions(sqlite3_stmt* stmt, int column) {
  return SplitMentions(ColumnText(stmt, column));
}

}  // namespace mqchat::store::sqlite_chat_sql
