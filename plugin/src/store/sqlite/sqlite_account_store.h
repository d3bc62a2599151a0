// AccountStore on SQLite (store/account_store.h). Owns one connection; confined to the thread
// that uses it. Build it through store_factory.h, which also applies the migrations.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/account_store.h"
#include "sqlite/sqlite_helpers.h"
#include "util/clock.h"

namespace mqchat::store {

class SqliteAccountStore final : public AccountStore {
 public:
  // Prepares every statement on `db`, which must already be at the newest schema.
  static Result<std::unique_ptr<SqliteAccountStore>> Create(SqliteDbPtr db,
                                                            std::shared_ptr<const Clock> clock);

  // AccountStore
  Result<UserRecord> AddUser(const std::string& username,
                             const std::string& password_hash) override;
  Result<UserRecord> GetUser(const std::string& username) override;
  Status SetPasswordHash(const std::string& username, const std::string& password_hash) override;
  Status EndSessions(const std::string& username) override;
  Status SetState(const std::string& username, UserState state) override;
  Result<std::vector<UserRecord>> ListUsers() override;
  Result<std::vector<UserRecord>> UsersChangedSince(int64_t after_rev, int limit) override;
  Result<std::vector<BrokerNotice>> NoticesSince(int64_t after_id, int limit) override;
  Result<int64_t> LastNoticeId() override;
  Result<std::vector<BrokerNotice>> SignOutsSince(int64_t since_ms) override;
  Status PruneNotices(int64_t before_ms) override;

 private:
  SqliteAccountStore(SqliteDbPtr db, std::shared_ptr<const Clock> clock)
      : db_(std::move(db)), clock_(std::move(clock)) {}
  Status PrepareAll();
  // Steps a bound statement that returns user rows and collects them.
  Result<std::vector<UserRecord>> ReadUsers(sqlite3_stmt* stmt);
  // Steps a bound UPDATE; kNotFound (naming `username`) if it changed no row.
  Status RunUpdate(sqlite3_stmt* stmt, const std::string& username);

  SqliteDbPtr db_;  // declared first: destroyed after the statements below
  std::shared_ptr<const Clock> clock_;
  SqliteStmtPtr add_user_;
  SqliteStmtPtr get_user_;
  SqliteStmtPtr set_password_;
  SqliteStmtPtr end_sessions_;
  SqliteStmtPtr set_state_;
  SqliteStmtPtr list_users_;
  SqliteStmtPtr changed_since_;
};

}  // namespace mqchat::store
