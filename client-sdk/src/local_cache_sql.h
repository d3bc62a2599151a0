// Internals shared by the LocalCache sources: the error contract, the prepared statements, and
// row helpers over the shared SQLite helpers (sqlite/sqlite_helpers.h). Included only by
// local_cache*.cpp; callers hold the cache lock.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "convert.h"
#include "local_cache.h"
#include "protocol/attachments.h"
#include "protocol/fields.h"
#include "sqlite/sqlite_helpers.h"

namespace mqchat::sdk {

// The cache's error contract: a failure is kFailedPrecondition naming `what`, except
// kUnavailable (the file was busy or locked), which stays.
inline Status CacheStatus(const Status& status, const std::string& what) {
  if (status.ok()) return status;
  std::string msg = "cache: " + what + ": " + status.message();
  if (status.code() == Code::kUnavailable) return Status::Unavailable(std::move(msg));
  return Status::FailedPrecondition(std::move(msg));
}
template <typename T>
Result<T> CacheResult(Result<T> result, const std::string& what) {
  if (!result.ok()) return CacheStatus(result.status(), what);
  return result;
}

// Creates the tables `db` lacks and migrates a file of an older schema version to this one, in
// one transaction (a failure leaves the file as it was); kFailedPrecondition for a file of a
// newer version. `file` names it in errors. local_cache_schema.cpp.
Status MigrateCacheSchema(sqlite3* db, const std::string& file);

// Prepared once, when the cache opens.
struct LocalCache::Statements {
  SqliteStmtPtr get_meta, put_meta;
  SqliteStmtPtr put_message, messages_range, entries_range, last_message, message_at, seqs_after,
      max_seq;
  SqliteStmtPtr apply_edit, apply_delete, clear_target_events, clear_event_text, drop_reactions,
      add_reaction, remove_reaction, message_reactions, range_reactions, reply_quote;
  SqliteStmtPtr get_cursor, put_cursor, all_cursors;
  SqliteStmtPtr upsert_conversation, raise_last_seq, raise_read_seq, get_conversation,
      list_conversations, set_mute, conversation_exists, raise_read_seq_to_own;
  SqliteStmtPtr drop_conversation, drop_messages, drop_cursor, drop_conversation_reactions;
  SqliteStmtPtr add_outbox, remove_outbox, list_outbox, count_outbox;
};

namespace cache_sql {

// The columns ReadEntry reads, in its order.
inline constexpr const char* kEntryColumns =
    "conversation_id, seq, message_id, sender, client_msg_id, text, sent_at_ms, reply_to,"
    " edited_at_ms, deleted, kind, target_seq, attachments";

// The `attachments` column of messages and outbox rows: the protocol's JSON list ('' none).
inline std::string AttachmentsColumn(const std::vector<Attachment>& list) {
  std::vector<protocol::WireAttachment> wire;
  for (const auto& a : list) {
    wire.push_back(protocol::WireAttachment{a.id, a.name, a.content_type, a.size, a.width, a.height,
                                            a.thumbnail});
  }
  return protocol::AttachmentsText(wire);
}

// An outbox row's attachment ids, space-separated (an id has no spaces; '' none).
inline std::string JoinIds(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + id;
  return out;
}
inline std::vector<std::string> SplitIds(const std::string& column) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < column.size()) {
    size_t end = column.find(' ', start);
    if (end == std::string::npos) end = column.size();
    if (end > start) out.push_back(column.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

inline LogEntry ReadEntry(sqlite3_stmt* stmt) {
  LogEntry e;
  Message& m = e.message;
  m.conversation_id = sqlite3_column_int64(stmt, 0);
  m.seq = sqlite3_column_int64(stmt, 1);
  m.message_id = sqlite3_column_int64(stmt, 2);
  m.sender = ColumnText(stmt, 3);
  m.client_msg_id = ColumnText(stmt, 4);
  m.text = ColumnText(stmt, 5);
  m.sent_at_ms = sqlite3_column_int64(stmt, 6);
  m.reply_to = sqlite3_column_int64(stmt, 7);
  m.edited_at_ms = sqlite3_column_int64(stmt, 8);
  m.deleted = sqlite3_column_int64(stmt, 9) != 0;
  e.kind = ColumnText(stmt, 10);
  e.target_seq = sqlite3_column_int64(stmt, 11);
  if (e.kind == protocol::values::kEventCall) {  // the text column holds the call's record
    if (auto record = protocol::ParseCallRecord(m.text)) m.call = FromWire(*record);
    m.text.clear();
  }
  // The protocol's encoding of the list (protocol/attachments.h); one that does not decode
  // (never written by this SDK) reads as none.
  auto attachments = protocol::ParseAttachmentsText(ColumnText(stmt, 12));
  if (attachments.ok()) {
    for (const auto& a : *attachments) {
      m.attachments.push_back(
          Attachment{a.id, a.name, a.content_type, a.size, a.width, a.height, a.thumbnail});
    }
  }
  return e;
}
inline Message ReadMessage(sqlite3_stmt* stmt) { return ReadEntry(stmt).message; }

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

// Binds `args`, runs `stmt` to completion (no rows expected) and resets it.
template <typename... Args>
Status Run(const char* what, sqlite3_stmt* stmt, const Args&... args) {
  return CacheStatus(BindAndRun(stmt, args...), what);
}

// Binds `args` and steps once: true if a row is available. The caller holds a StmtReset.
template <typename... Args>
Result<bool> Step(const char* what, sqlite3_stmt* stmt, const Args&... args) {
  return CacheResult(BindAndStep(stmt, args...), what);
}

// Binds `args` and calls `on_row(stmt)` for every row; resets `stmt` after.
template <typename OnRow, typename... Args>
Status ForEachRow(const char* what, OnRow&& on_row, sqlite3_stmt* stmt, const Args&... args) {
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, Step(what, stmt, args...));
  while (has_row) {
    on_row(stmt);
    MQCHAT_ASSIGN_OR_RETURN(has_row, CacheResult(StepSqlite(stmt), what));
  }
  return Status::Ok();
}

}  // namespace cache_sql
}  // namespace mqchat::sdk
