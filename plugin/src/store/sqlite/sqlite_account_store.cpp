#include "store/sqlite/sqlite_account_store.h"

#include "store/sqlite/sqlite_notices.h"

#include <utility>

#include "protocol/identity.h"

namespace mqchat::store {
namespace {

// Every user-reading statement returns user_id, username, password_hash, state, rev,
// created_at_ms, sessions_valid_after_ms in this order (see ReadRow).

// rev = MAX(rev) + 1 is safe: each statement runs in its own write transaction (SQLite has
// one writer at a time) and rows are never physically deleted, so MAX(rev) never goes back.
constexpr char kAddUser[] =
    "INSERT INTO users (username, username_key, password_hash, state, rev, created_at_ms, "
    "updated_at_ms) "
    "VALUES (?1, ?2, ?3, 0, (SELECT COALESCE(MAX(rev), 0) + 1 FROM users), ?4, ?4) "
    "RETURNING user_id, username, password_hash, state, rev, created_at_ms, sessions_valid_after_ms";
constexpr char kGetUser[] =
    "SELECT user_id, username, password_hash, state, rev, created_at_ms, sessions_valid_after_ms FROM users "
    "WHERE username = ?1";
constexpr char kSetPassword[] =
    "UPDATE users SET password_hash = ?2, rev = (SELECT MAX(rev) + 1 FROM users), "
    "updated_at_ms = ?3, sessions_valid_after_ms = ?3 WHERE username = ?1 AND state <> 2";
constexpr char kEndSessions[] =
    "UPDATE users SET rev = (SELECT MAX(rev) + 1 FROM users), updated_at_ms = ?2, "
    "sessions_valid_after_ms = ?2 WHERE username = ?1 AND state <> 2";
constexpr char kSetState[] =
    "UPDATE users SET state = ?2, "
    "password_hash = CASE WHEN ?2 = 2 THEN '' ELSE password_hash END, "
    "rev = (SELECT MAX(rev) + 1 FROM users), updated_at_ms = ?3 "
    "WHERE username = ?1 AND state <> 2";
constexpr char kListUsers[] =
    "SELECT user_id, username, password_hash, state, rev, created_at_ms, sessions_valid_after_ms FROM users "
    "WHERE state <> 2 ORDER BY username";
constexpr char kChangedSince[] =
    "SELECT user_id, username, password_hash, state, rev, created_at_ms, sessions_valid_after_ms FROM users "
    "WHERE rev > ?1 ORDER BY rev LIMIT ?2";

Result<UserRecord> ReadRow(sqlite3_stmt* stmt) {
  UserRecord rec;
  rec.user_id = ColumnInt64(stmt, 0);
  rec.username = ColumnText(stmt, 1);
  rec.password_hash = ColumnText(stmt, 2);
  const int64_t state = ColumnInt64(stmt, 3);
  if (state < 0 || state > 2) {
    return Status::Internal("user " + rec.username + " has unknown state " + std::to_string(state));
  }
  rec.state = static_cast<UserState>(state);
  rec.rev = ColumnInt64(stmt, 4);
  rec.created_at_ms = ColumnInt64(stmt, 5);
  rec.sessions_valid_after_ms = ColumnInt64(stmt, 6);
  return rec;
}

}  // namespace

Result<std::unique_ptr<SqliteAccountStore>> SqliteAccountStore::Create(
    SqliteDbPtr db, std::shared_ptr<const Clock> clock) {
  if (db == nullptr || clock == nullptr) {
    return Status::InvalidArgument("SqliteAccountStore needs a database and a clock");
  }
  std::unique_ptr<SqliteAccountStore> store(
      new SqliteAccountStore(std::move(db), std::move(clock)));
  MQCHAT_RETURN_IF_ERROR(store->PrepareAll());
  return store;
}

Status SqliteAccountStore::PrepareAll() {
  sqlite3* db = db_.get();
  MQCHAT_ASSIGN_OR_RETURN(add_user_, PrepareSqlite(db, kAddUser));
  MQCHAT_ASSIGN_OR_RETURN(get_user_, PrepareSqlite(db, kGetUser));
  MQCHAT_ASSIGN_OR_RETURN(set_password_, PrepareSqlite(db, kSetPassword));
  MQCHAT_ASSIGN_OR_RETURN(end_sessions_, PrepareSqlite(db, kEndSessions));
  MQCHAT_ASSIGN_OR_RETURN(set_state_, PrepareSqlite(db, kSetState));
  MQCHAT_ASSIGN_OR_RETURN(list_users_, PrepareSqlite(db, kListUsers));
  MQCHAT_ASSIGN_OR_RETURN(changed_since_, PrepareSqlite(db, kChangedSince));
  return Status::Ok();
}

Result<std::vector<UserRecord>> SqliteAccountStore::ReadUsers(sqlite3_stmt* stmt) {
  std::vector<UserRecord> out;
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
    if (!has_row) {
      return out;
    }
    MQCHAT_ASSIGN_OR_RETURN(UserRecord rec, ReadRow(stmt));
    out.push_back(std::move(rec));
  }
}

Status SqliteAccountStore::RunUpdate(sqlite3_stmt* stmt, const std::string& username) {
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
  (void)has_row;
  if (sqlite3_changes(db_.get()) == 0) {
    return Status::NotFound("no such user: " + username);
  }
  return Status::Ok();
}

Result<UserRecord> SqliteAccountStore::AddUser(const std::string& username,
                                               const std::string& password_hash) {
  sqlite3_stmt* stmt = add_user_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindText(stmt, 1, username));
  MQCHAT_RETURN_IF_ERROR(BindText(stmt, 2, protocol::UsernameKey(username)));
  MQCHAT_RETURN_IF_ERROR(BindText(stmt, 3, password_hash));
  MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 4, clock_->NowMs()));
  auto has_row = StepSqlite(stmt);
  if (!has_row.ok()) {
    if (has_row.status().code() == Code::kAlreadyExists) {
      return Status::AlreadyExists("user already exists: " + username +
                                    " (names are unique ignoring case)");
    }
    return has_row.status();
  }
  if (!*has_row) {
    return Status::Internal("INSERT ... RETURNING returned no row");
  }
  return ReadRow(stmt);
}

Result<UserRecord> SqliteAccountStore::GetUser(const std::string& username) {
  sqlite3_stmt* stmt = get_user_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindText(stmt, 1, username));
  MQCHAT_ASSIGN_OR_RETURN(bool has_row, StepSqlite(stmt));
  if (!has_row) {
    return Status::NotFound("no such user: " + username);
  }
  return ReadRow(stmt);
}

Status SqliteAccountStore::SetPasswordHash(const std::string& username,
                                           const std::string& password_hash) {
  sqlite3_stmt* stmt = set_password_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindText(stmt, 1, username));
  MQCHAT_RETURN_IF_ERROR(BindText(stmt, 2, password_hash));
  MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 3, clock_->NowMs()));
  return RunUpdate(stmt, username);
}

Status SqliteAccountStore::EndSessions(const std::string& username) {
  sqlite3_stmt* stmt = end_sessions_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindText(stmt, 1, username));
  MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 2, clock_->NowMs()));
  return RunUpdate(stmt, username);
}

Status SqliteAccountStore::SetState(const std::string& username, UserState state) {
  const int value = static_cast<int>(state);
  if (value < 0 || value > 2) {
    return Status::InvalidArgument("unknown user state " + std::to_string(value));
  }
  sqlite3_stmt* stmt = set_state_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindText(stmt, 1, username));
  MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 2, value));
  MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 3, clock_->NowMs()));
  return RunUpdate(stmt, username);
}

Result<std::vector<UserRecord>> SqliteAccountStore::ListUsers() {
  sqlite3_stmt* stmt = list_users_.get();
  StmtReset reset(stmt);
  return ReadUsers(stmt);
}

Result<std::vector<UserRecord>> SqliteAccountStore::UsersChangedSince(int64_t after_rev,
                                                                      int limit) {
  if (limit <= 0) {
    return Status::InvalidArgument("limit must be positive");
  }
  sqlite3_stmt* stmt = changed_since_.get();
  StmtReset reset(stmt);
  MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 1, after_rev));
  MQCHAT_RETURN_IF_ERROR(BindInt64(stmt, 2, limit));
  return ReadUsers(stmt);
}

Result<std::vector<BrokerNotice>> SqliteAccountStore::NoticesSince(int64_t after_id, int limit) {
  return NoticesSinceSqlite(db_.get(), after_id, limit);
}

Result<int64_t> SqliteAccountStore::LastNoticeId() { return LastNoticeIdSqlite(db_.get()); }

Result<std::vector<BrokerNotice>> SqliteAccountStore::SignOutsSince(int64_t since_ms) {
  return SignOutsSinceSqlite(db_.get(), since_ms);
}

Status SqliteAccountStore::PruneNotices(int64_t before_ms) {
  return PruneNoticesSqlite(db_.get(), before_ms);
}

}  // namespace mqchat::store
