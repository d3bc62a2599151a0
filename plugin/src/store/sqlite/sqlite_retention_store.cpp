#include "store/sqlite/sqlite_retention_store.h"

#include <utility>

#include "store/sqlite/sqlite_attachment_sql.h"

namespace mqchat::store {
namespace {

// The conversation's kind and the actor's role in it (NULL: not a member).
constexpr char kAccess[] =
    "SELECT c.kind, m.role FROM conversations c LEFT JOIN members m "
    "ON m.conversation_id = c.conversation_id AND m.username = ?2 WHERE c.conversation_id = ?1";
constexpr char kSet[] = "UPDATE conversations SET retention_days = ?2 WHERE conversation_id = ?1";
// Slow mode raises members_version: every broker's cached members (and setting) reload.
constexpr char kSetSlowMode[] =
    "UPDATE conversations SET slow_mode_s = ?2, members_version = members_version + 1 "
    "WHERE conversation_id = ?1";
constexpr char kGet[] =
    "SELECT conversation_id, retention_days, expired_through_seq FROM conversations "
    "WHERE conversation_id = ?1";
constexpr char kList[] =
    "SELECT conversation_id, retention_days, expired_through_seq FROM conversations "
    "WHERE conversation_id > ?1 ORDER BY conversation_id LIMIT ?2";
// The oldest entries after the expired range (the primary key's range).
// The oldest resend keys (recent_sends_created_idx); SQLite's DELETE has no LIMIT here.
constexpr char kPurgeResendKeys[] =
    "DELETE FROM recent_sends WHERE (conversation_id, sender, client_msg_id) IN ("
    "SELECT conversation_id, sender, client_msg_id FROM recent_sends WHERE created_at_ms < ?1 "
    "ORDER BY created_at_ms LIMIT ?2)";
constexpr char kOldest[] =
    "SELECT seq, created_at_ms FROM messages WHERE conversation_id = ?1 AND seq > ?2 "
    "ORDER BY seq LIMIT ?3";
// Raises the marker only from the value read: another sweeper's batch in between wins.
constexpr char kRaise[] =
    "UPDATE conversations SET expired_through_seq = ?3 "
    "WHERE conversation_id = ?1 AND expired_through_seq = ?2";
constexpr char kDeleteMessages[] =
    "DELETE FROM messages WHERE conversation_id = ?1 AND seq > ?2 AND seq <= ?3";
constexpr char kDeleteReactions[] =
    "DELETE FROM reactions WHERE conversation_id = ?1 AND seq > ?2 AND seq <= ?3";
constexpr char kAudit[] =
    "INSERT INTO audit_log (at_ms, actor, action, subject, detail) VALUES (?1, ?2, ?3, ?4, ?5)";

RetentionSetting ReadSetting(sqlite3_stmt* stmt) {
  RetentionSetting s;
  s.id = ColumnInt64(stmt, 0);
  if (sqlite3_column_type(stmt, 1) != SQLITE_NULL) s.days = ColumnInt64(stmt, 1);
  s.expired_through_seq = ColumnInt64(stmt, 2);
  return s;
}

}  // namespace

Result<std::unique_ptr<SqliteRetentionStore>> SqliteRetentionStore::Create(SqliteDbPtr db) {
  if (db == nullptr) return Status::InvalidArgument("SqliteRetentionStore needs a database");
  std::unique_ptr<SqliteRetentionStore> store(new SqliteRetentionStore(std::move(db)));
  MQCHAT_RETURN_IF_ERROR(store->PrepareAll());
  return store;
}

Status SqliteRetentionStore::PrepareAll() {
  const std::pair<SqliteStmtPtr*, const char*> all[] = {
      {&access_, kAccess},
      {&set_, kSet},
      {&set_slow_mode_, kSetSlowMode},
      {&get_, kGet},
      {&list_, kList},
      {&oldest_, kOldest},
      {&purge_resend_keys_, kPurgeResendKeys},
      {&raise_, kRaise},
      {&delete_messages_, kDeleteMessages},
      {&delete_reactions_, kDeleteReactions},
      {&release_attachments_, sqlite_attachment_sql::kReleaseRange},
      {&unlink_attachments_, sqlite_attachment_sql::kUnlinkRange},
      {&audit_, kAudit},
  };
  for (const auto& [stmt, sql] : all) {
    MQCHAT_ASSIGN_OR_RETURN(*stmt, PrepareSqlite(db_.get(), sql));
  }
  return Status::Ok();
}

Status SqliteRetentionStore::CheckActor(ConversationId id, const std::string& actor,
                                        const std::string& what) {
  sqlite3_stmt* stmt = access_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id, std::string_view(actor)));
  if (!has_row) return Status::NotFound("no conversation " + std::to_string(id));
  if (actor == kOperatorActor) return Status::Ok();
  if (sqlite3_column_type(stmt, 1) == SQLITE_NULL) {
    return Status::NotFound("no conversation " + std::to_string(id));
  }
  const bool direct = ColumnInt64(stmt, 0) == static_cast<int64_t>(ConversationKind::kDirect);
  const bool admin = ColumnInt64(stmt, 1) >= static_cast<int64_t>(MemberRole::kAdmin);
  if (direct || !admin) {
    return Status::PermissionDenied("only a group's owner or admins set its " + what);
  }
  return Status::Ok();
}

Status SqliteRetentionStore::SetRetention(ConversationId id, const std::string& actor,
                                          std::optional<int64_t> days, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  MQCHAT_RETURN_IF_ERROR(CheckActor(id, actor, "retention"));
  {
    sqlite3_stmt* stmt = set_.get();
    StmtReset reset(stmt);
    MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 1, id));
    MQCHAT_RETURN_IF_ERROR(days ? BindInt64(stmt, 2, *days) : BindNull(stmt, 2));
    MQCHAT_RETURN_IF_ERROR(StepSqlite(stmt).status());
  }
  const std::string detail = days ? std::to_string(*days) + " days" : "server default";
  MQCHAT_RETURN_IF_ERROR(BindAndRun(audit_.get(), now_ms, std::string_view(actor),
                                    std::string_view("retention"),
                                    std::string_view(std::to_string(id)),
                                    std::string_view(detail)));
  return txn.Commit();
}

Status SqliteRetentionStore::SetSlowMode(ConversationId id, const std::string& actor,
                                         int64_t seconds, int64_t now_ms) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  MQCHAT_RETURN_IF_ERROR(CheckActor(id, actor, "slow mode"));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(set_slow_mode_.get(), id, seconds));
  const std::string detail = std::to_string(seconds) + " s";
  MQCHAT_RETURN_IF_ERROR(BindAndRun(audit_.get(), now_ms, std::string_view(actor),
                                    std::string_view("slow_mode"),
                                    std::string_view(std::to_string(id)),
                                    std::string_view(detail)));
  return txn.Commit();
}

Result<RetentionSetting> SqliteRetentionStore::GetRetention(ConversationId id) {
  sqlite3_stmt* stmt = get_.get();
  StmtReset reset(stmt);
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id));
  if (!has_row) return Status::NotFound("no conversation " + std::to_string(id));
  return ReadSetting(stmt);
}

Result<std::vector<RetentionSetting>> SqliteRetentionStore::ListRetention(ConversationId after,
                                                                          int limit) {
  sqlite3_stmt* stmt = list_.get();
  StmtReset reset(stmt);
  std::vector<RetentionSetting> out;
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, after, int64_t{limit}));
  while (has_row) {
    out.push_back(ReadSetting(stmt));
    MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
  }
  return out;
}

Result<ExpiredBatch> SqliteRetentionStore::ExpireBatch(ConversationId id, int64_t cutoff_ms,
                                                       int limit) {
  MQCHAT_ASSIGN_OR_RETURN(RetentionSetting setting, GetRetention(id));
  ExpiredBatch batch;
  batch.from_seq = batch.through_seq = setting.expired_through_seq;
  {  // Read outside the write transaction: the writer is not held up by the scan.
    sqlite3_stmt* stmt = oldest_.get();
    StmtReset reset(stmt);
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, BindAndStep(stmt, id, batch.from_seq, int64_t{limit}));
    while (has_row && ColumnInt64(stmt, 1) < cutoff_ms) {
      batch.through_seq = ColumnInt64(stmt, 0);
      ++batch.removed;
      MQCHAT_ASSIGN_OR_RETURN(has_row, StepSqlite(stmt));
    }
  }
  if (batch.removed == 0) return batch;
  MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
  MQCHAT_RETURN_IF_ERROR(BindAndRun(raise_.get(), id, batch.from_seq, batch.through_seq));
  if (sqlite3_changes(db_.get()) == 0) return ExpiredBatch{batch.from_seq, batch.from_seq, 0};
  MQCHAT_RETURN_IF_ERROR(
      BindAndRun(delete_messages_.get(), id, batch.from_seq, batch.through_seq));
  batch.removed = sqlite3_changes(db_.get());
  MQCHAT_RETURN_IF_ERROR(
      BindAndRun(delete_reactions_.get(), id, batch.from_seq, batch.through_seq));
  // The range's attachment links go with it (store/attachments.h).
  MQCHAT_RETURN_IF_ERROR(
      BindAndRun(release_attachments_.get(), id, batch.from_seq + 1, batch.through_seq));
  MQCHAT_RETURN_IF_ERROR(
      BindAndRun(unlink_attachments_.get(), id, batch.from_seq + 1, batch.through_seq));
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  // Then their search index entries (from seq 1: also what an interrupted batch left).
  MQCHAT_RETURN_IF_ERROR(
      pruner_.Prune({IndexRange{id, 0, batch.through_seq}}).WithContext("prune search index"));
  return batch;
}

Result<int64_t> SqliteRetentionStore::PurgeResendKeys(int64_t cutoff_ms, int limit) {
  MQCHAT_RETURN_IF_ERROR(BindAndRun(purge_resend_keys_.get(), cutoff_ms, int64_t{limit}));
  return int64_t{sqlite3_changes(db_.get())};
}

}  // namespace mqchat::store
