#include "store/pg/pg_account_store.h"

#include <iterator>
#include <utility>

#include "protocol/identity.h"
#include "store/pg/pg_notices.h"

namespace mqchat::store {
namespace {

// Every user-reading statement returns user_id, username, password_hash, state, rev,
// created_at_ms, sessions_valid_after_ms in this order (see ReadRows).

// A sequence hands out revs in nextval order, but transactions may commit out of that order,
// and a refresher paging by rev would then skip the late one. Writers therefore take this
// lock (it conflicts with itself, not with plain reads) before nextval, so revs become
// visible in increasing order.
constexpr PgStatement kLockUsers = {"mqchat_account_lock",
                                    "LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE"};
constexpr PgStatement kAddUser = {
    "mqchat_account_add",
    "INSERT INTO users (username, username_key, password_hash, state, rev, created_at_ms, "
    "updated_at_ms) "
    "VALUES ($1::text, $2::text, $3::text, 0, nextval('user_rev_seq'), $4::bigint, $4::bigint) "
    "RETURNING user_id, username, password_hash, state, rev, created_at_ms, sessions_valid_after_ms"};
constexpr PgStatement kGetUser = {
    "mqchat_account_get",
    "SELECT user_id, username, password_hash, state, rev, created_at_ms, sessions_valid_after_ms FROM users "
    "WHERE username = $1::text"};
constexpr PgStatement kSetPassword = {
    "mqchat_account_set_password",
    "UPDATE users SET password_hash = $2::text, rev = nextval('user_rev_seq'), "
    "updated_at_ms = $3::bigint, sessions_valid_after_ms = $3::bigint "
    "WHERE username = $1::text AND state <> 2 RETURNING user_id"};
constexpr PgStatement kEndSessions = {
    "mqchat_account_end_sessions",
    "UPDATE users SET rev = nextval('user_rev_seq'), updated_at_ms = $2::bigint, "
    "sessions_valid_after_ms = $2::bigint WHERE username = $1::text AND state <> 2 "
    "RETURNING user_id"};
constexpr PgStatement kSetState = {
    "mqchat_account_set_state",
    "UPDATE users SET state = $2::smallint, "
    "password_hash = CASE WHEN $2::smallint = 2 THEN '' ELSE password_hash END, "
    "rev = nextval('user_rev_seq'), updated_at_ms = $3::bigint "
    "WHERE username = $1::text AND state <> 2 RETURNING user_id"};
constexpr PgStatement kListUsers = {
    "mqchat_account_list",
    "SELECT user_id, username, password_hash, state, rev, created_at_ms, sessions_valid_after_ms FROM users "
    "WHERE state <> 2 ORDER BY username"};
constexpr PgStatement kChangedSince = {
    "mqchat_account_changed_since",
    "SELECT user_id, username, password_hash, state, rev, created_at_ms, sessions_valid_after_ms"
    " FROM users WHERE rev > $1::bigint ORDER BY rev LIMIT $2::bigint"};

constexpr const PgStatement* kAllStatements[] = {
    &kLockUsers, &kAddUser, &kGetUser, &kSetPassword, &kEndSessions, &kSetState, &kListUsers, &kChangedSince};

Result<std::vector<UserRecord>> ReadRows(const PGresult* res) {
  std::vector<UserRecord> out;
  const int rows = PQntuples(res);
  out.reserve(static_cast<size_t>(rows));
  for (int i = 0; i < rows; ++i) {
    UserRecord rec;
    MQCHAT_ASSIGN_OR_RETURN(rec.user_id, PgInt64(res, i, 0));
    rec.username = PgText(res, i, 1);
    rec.password_hash = PgText(res, i, 2);
    MQCHAT_ASSIGN_OR_RETURN(int64_t state, PgInt64(res, i, 3));
    if (state < 0 || state > 2) {
      return Status::Internal("user " + rec.username + " has unknown state " +
                              std::to_string(state));
    }
    rec.state = static_cast<UserState>(state);
    MQCHAT_ASSIGN_OR_RETURN(rec.rev, PgInt64(res, i, 4));
    MQCHAT_ASSIGN_OR_RETURN(rec.created_at_ms, PgInt64(res, i, 5));
    MQCHAT_ASSIGN_OR_RETURN(rec.sessions_valid_after_ms, PgInt64(res, i, 6));
    out.push_back(std::move(rec));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<PgAccountStore>> PgAccountStore::Create(PgConnPtr conn,
                                                               std::shared_ptr<const Clock> clock) {
  if (conn == nullptr || clock == nullptr) {
    return Status::InvalidArgument("PgAccountStore needs a connection and a clock");
  }
  MQCHAT_ASSIGN_OR_RETURN(PgConnection ready,
                          PgConnection::Create(std::move(conn), {std::begin(kAllStatements),
                                                                 std::end(kAllStatements)}));
  return std::unique_ptr<PgAccountStore>(new PgAccountStore(std::move(ready), std::move(clock)));
}

Result<PgResultPtr> PgAccountStore::Read(const PgStatement& stmt, const PgParams& params) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  return ExecPrepared(conn_.get(), stmt, params);
}

Result<PgResultPtr> PgAccountStore::Write(const PgStatement& stmt, const PgParams& params) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  PGconn* conn = conn_.get();
  MQCHAT_ASSIGN_OR_RETURN(PgTxn txn, PgTxn::Begin(conn));
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr locked, ExecPrepared(conn, kLockUsers, PgParams()));
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, ExecPrepared(conn, stmt, params));
  MQCHAT_RETURN_IF_ERROR(txn.Commit());
  return res;
}

Result<UserRecord> PgAccountStore::AddUser(const std::string& username,
                                           const std::string& password_hash) {
  auto res = Write(kAddUser, PgParams()
                                    .Text(username)
                                    .Text(protocol::UsernameKey(username))
                                    .Text(password_hash)
                                    .Int(clock_->NowMs()));
  if (!res.ok()) {
    if (res.status().code() == Code::kAlreadyExists) {
      return Status::AlreadyExists("user already exists: " + username +
                                    " (names are unique ignoring case)");
    }
    return res.status();
  }
  MQCHAT_ASSIGN_OR_RETURN(std::vector<UserRecord> rows, ReadRows(res->get()));
  if (rows.size() != 1) {
    return Status::Internal("INSERT ... RETURNING returned no row");
  }
  return std::move(rows.front());
}

Result<UserRecord> PgAccountStore::GetUser(const std::string& username) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Read(kGetUser, PgParams().Text(username)));
  MQCHAT_ASSIGN_OR_RETURN(std::vector<UserRecord> rows, ReadRows(res.get()));
  if (rows.empty()) {
    return Status::NotFound("no such user: " + username);
  }
  return std::move(rows.front());
}

Status PgAccountStore::SetPasswordHash(const std::string& username,
                                       const std::string& password_hash) {
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res,
      Write(kSetPassword, PgParams().Text(username).Text(password_hash).Int(clock_->NowMs())));
  if (PQntuples(res.get()) == 0) {
    return Status::NotFound("no such user: " + username);
  }
  return Status::Ok();
}

Status PgAccountStore::EndSessions(const std::string& username) {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Write(kEndSessions, PgParams().Text(username).Int(clock_->NowMs())));
  if (PQntuples(res.get()) == 0) {
    return Status::NotFound("no such user: " + username);
  }
  return Status::Ok();
}

Status PgAccountStore::SetState(const std::string& username, UserState state) {
  const int value = static_cast<int>(state);
  if (value < 0 || value > 2) {
    return Status::InvalidArgument("unknown user state " + std::to_string(value));
  }
  MQCHAT_ASSIGN_OR_RETURN(
      PgResultPtr res, Write(kSetState, PgParams().Text(username).Int(value).Int(clock_->NowMs())));
  if (PQntuples(res.get()) == 0) {
    return Status::NotFound("no such user: " + username);
  }
  return Status::Ok();
}

Result<std::vector<UserRecord>> PgAccountStore::ListUsers() {
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res, Read(kListUsers, PgParams()));
  return ReadRows(res.get());
}

Result<std::vector<UserRecord>> PgAccountStore::UsersChangedSince(int64_t after_rev, int limit) {
  if (limit <= 0) {
    return Status::InvalidArgument("limit must be positive");
  }
  MQCHAT_ASSIGN_OR_RETURN(PgResultPtr res,
                          Read(kChangedSince, PgParams().Int(after_rev).Int(limit)));
  return ReadRows(res.get());
}

// Broker notices: reads and a prune, each its own statement (autocommit).
Result<std::vector<BrokerNotice>> PgAccountStore::NoticesSince(int64_t after_id, int limit) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  return NoticesSincePg(conn_.get(), after_id, limit);
}

Result<int64_t> PgAccountStore::LastNoticeId() {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  return LastNoticeIdPg(conn_.get());
}

Result<std::vector<BrokerNotice>> PgAccountStore::SignOutsSince(int64_t since_ms) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  return SignOutsSincePg(conn_.get(), since_ms);
}

Status PgAccountStore::PruneNotices(int64_t before_ms) {
  MQCHAT_RETURN_IF_ERROR(conn_.EnsureReady());
  return PruneNoticesPg(conn_.get(), before_ms);
}

}  // namespace mqchat::store
