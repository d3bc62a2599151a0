// AccountStore on PostgreSQL (store/account_store.h). Owns one connection; confined to the
// thread that uses it. Build it through store_factory.h, which also applies the migrations.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "store/account_store.h"
#include "store/pg/pg_handles.h"
#include "util/clock.h"

namespace mqchat::store {

class PgAccountStore final : public AccountStore {
 public:
  // Prepares every statement on `conn`, whose database must already be at the newest schema.
  // If the connection is lost, the failing call returns kUnavailable and the next call
  // reconnects (and prepares again) before it runs.
  static Result<std::unique_ptr<PgAccountStore>> Create(PgConnPtr conn,
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
  PgAccountStore(PgConnection conn, std::shared_ptr<const Clock> clock)
      : conn_(std::move(conn)), clock_(std::move(clock)) {}
  // Runs one read statement.
  Result<PgResultPtr> Read(const PgStatement& stmt, const PgParams& params);
  // Runs one write statement in a transaction that holds the users write lock (see .cpp).
  Result<PgResultPtr> Write(const PgStatement& stmt, const PgParams& params);

  PgConnection conn_;
  std::shared_ptr<const Clock> clock_;
};

}  // namespace mqchat::store
