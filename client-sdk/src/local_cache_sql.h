// Internals shared by the LocalCache sources: the prepared statements and row helpers.
// Included only by local_cache*.cpp; callers hold the cache lock.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "convert.h"
#include "local_cache.h"
#include "protocol/fields.h"

namespace mqchat::sdk {

// kFailedPrecondition naming `what` and SQLite's message; SQLITE_BUSY/LOCKED are kUnavailable.
inline Status SqliteError(sqlite3* db, int rc, const std::string& what) {
  std::string msg = "cache: " + what + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
  if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return Status::Unavailable(std::move(msg));
  return Status::FailedPrecondition(std::move(msg));
}

// Prepared once, when the cache opens.
struct LocalCache::Statements {
  SqliteStmtPtr get_meta, put_meta;
  SqliteStmtPtr put_message, messages_range, last_message, seqs_after, max_seq;
  SqliteStmtPtr get_cursor, put_cursor, all_cursors;
  SqliteStmtPtr upsert_conversation, raise_last_seq, raise_read_seq, get_conversation,
      list_conversations, conversation_exists, raise_read_seq_to_own;
  SqliteStmtPtr drop_conversation, drop_messages, drop_cursor;
  SqliteStmtPtr add_outbox, remove_outbox, list_outbox, count_outbox;
};

namespace cache_sql {

inline std::string ColumnText(sqlite3_stmt* stmt, int col) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, col));
  return text ? std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, col))) : "";
}

inline Message ReadMessage(sqlite3_stmt* stmt) {
  Message m;
  m.conversation_id = sqlite3_column_int64(stmt, 0);
  m.seq = sqlite3_column_int64(stmt, 1);
  m.message_id = sqlite3_column_int64(stmt, 2);
  m.sender = ColumnText(stmt, 3);
  m.client_msg_id = ColumnText(stmt, 4);
  m.text = ColumnText(stmt, 5);
  m.sent_at_ms = sqlite3_column_int64(stmt, 6);
  return m;
}

inline void BindText(sqlite3_stmt* stmt, int index, const std::string& value) {
  sqlite3_bind_text(stmt, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
}

inline std::string EncodeMembers(const std::vector<Member>& members) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& m : members) {
    list.push_back({{protocol::fields::kUser, m.user},
                    {protocol::fields::kRole, RoleName(m.role)},
                    {protocol::fields::kReadSeq, m.read_seq}});
  }
  return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline std::vector<Member> DecodeMembers(const std::string& text) {
  std::vector<Member> out;
  auto list = nlohmann::json::parse(text, nullptr, false);
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    if (!item.is_object()) continue;
    Member m;
    m.user = item.value(std::string(protocol::fields::kUser), "");
    m.role = RoleFromString(item.value(std::string(protocol::fields::kRole), ""));
    m.read_seq = item.value(std::string(protocol::fields::kReadSeq), int64_t{0});
    out.push_back(std::move(m));
  }
  return out;
}

// Runs `stmt` to completion (no rows expected).
inline Status StepDone(sqlite3* db, sqlite3_stmt* stmt, const char* what) {
  int rc = sqlite3_step(stmt);
  if (rc != SQLITE_DONE) return SqliteError(db, rc, what);
  return Status::Ok();
}

}  // namespace cache_sql
}  // namespace mqchat::sdk
