// SessionStore on PostgreSQL: one connection, unprepared parameterised statements. A lost
// connection fails with kUnavailable and the StorePool drops the lease.
#include <utility>

#include "session_store_backends.h"
#include "store/pg/pg_handles.h"

namespace mqchat::api {

namespace {

using store::ExecParams;
using store::PgParams;

class PgSessionStore : public SessionStore {
 public:
  explicit PgSessionStore(store::PgConnPtr conn) : conn_(std::move(conn)) {}

  Status Insert(const RefreshRecord& r) override {
    PgParams p;
    p.Text(r.token_hash).Text(r.family_id).Text(r.username).Int(r.created_at_ms)
        .Int(r.expires_at_ms).Int(static_cast<int64_t>(r.state)).Text(r.device_id);
    return ExecParams(conn_.get(),
                      "INSERT INTO refresh_tokens (token_hash, family_id, username, "
                      "created_at_ms, expires_at_ms, state, device_id) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                      p)
        .status();
  }

  Result<RefreshRecord> Get(const std::string& token_hash) override {
    PgParams p;
    p.Text(token_hash);
    MQCHAT_ASSIGN_OR_RETURN(auto res, ExecParams(conn_.get(),
        "SELECT family_id, username, created_at_ms, expires_at_ms, state, device_id "
        "FROM refresh_tokens WHERE token_hash = $1", p));
    if (PQntuples(res.get()) == 0) return Status::NotFound("no such refresh token");
    RefreshRecord r;
    r.token_hash = token_hash;
    r.family_id = store::PgText(res.get(), 0, 0);
    r.username = store::PgText(res.get(), 0, 1);
    MQCHAT_ASSIGN_OR_RETURN(r.created_at_ms, store::PgInt64(res.get(), 0, 2));
    MQCHAT_ASSIGN_OR_RETURN(r.expires_at_ms, store::PgInt64(res.get(), 0, 3));
    MQCHAT_ASSIGN_OR_RETURN(int64_t state, store::PgInt64(res.get(), 0, 4));
    r.state = static_cast<RefreshState>(state);
    r.device_id = store::PgText(res.get(), 0, 5);
    return r;
  }

  Result<bool> MarkUsed(const std::string& token_hash) override {
    PgParams p;
    p.Text(token_hash);
    MQCHAT_ASSIGN_OR_RETURN(auto res, ExecParams(conn_.get(),
        "UPDATE refresh_tokens SET state = 1 WHERE token_hash = $1 AND state = 0", p));
    return std::string(PQcmdTuples(res.get())) == "1";
  }

  Status RevokeFamily(const std::string& family_id) override {
    PgParams p;
    p.Text(family_id);
    return ExecParams(conn_.get(), "UPDATE refresh_tokens SET state = 2 WHERE family_id = $1", p)
        .status();
  }

  Status RevokeUserFamilies(const std::string& username,
                            const std::string& keep_family_id) override {
    PgParams p;
    p.Text(username);
    p.Text(keep_family_id);
    return ExecParams(conn_.get(),
                      "UPDATE refresh_tokens SET state = 2 "
                      "WHERE username = $1 AND family_id <> $2 AND state <> 2",
                      p)
        .status();
  }

  Status RevokeDeviceFamilies(const std::string& username,
                              const std::string& device_id) override {
    PgParams p;
    p.Text(username);
    p.Text(device_id);
    return ExecParams(conn_.get(),
                      "UPDATE refresh_tokens SET state = 2 "
                      "WHERE username = $1 AND device_id = $2 AND state <> 2",
                      p)
        .status();
  }

  Result<std::string> UsernameForKey(const std::string& key) override {
    PgParams p;
    p.Text(key);
    MQCHAT_ASSIGN_OR_RETURN(auto res, ExecParams(conn_.get(),
        "SELECT username FROM users WHERE username_key = $1", p));
    if (PQntuples(res.get()) == 0) return Status::NotFound("no such user");
    return store::PgText(res.get(), 0, 0);
  }

  Status InsertInvite(const std::string& code_hash, int64_t created_at_ms, int64_t expires_at_ms,
                      int64_t max_uses) override {
    PgParams p;
    p.Text(code_hash).Int(created_at_ms).Int(expires_at_ms).Int(max_uses);
    return ExecParams(conn_.get(),
                      "INSERT INTO invites (code_hash, created_at_ms, expires_at_ms, max_uses) "
                      "VALUES ($1, $2, $3, $4)",
                      p)
        .status();
  }

  Result<bool> ConsumeInvite(const std::string& code_hash, int64_t now_ms) override {
    PgParams p;
    p.Text(code_hash).Int(now_ms);
    MQCHAT_ASSIGN_OR_RETURN(auto res, ExecParams(conn_.get(),
        "UPDATE invites SET uses = uses + 1 "
        "WHERE code_hash = $1 AND uses < max_uses AND expires_at_ms > $2", p));
    return std::string(PQcmdTuples(res.get())) == "1";
  }

  Status ReleaseInvite(const std::string& code_hash) override {
    PgParams p;
    p.Text(code_hash);
    return ExecParams(conn_.get(),
                      "UPDATE invites SET uses = uses - 1 WHERE code_hash = $1 AND uses > 0", p)
        .status();
  }

 private:
  store::PgConnPtr conn_;
};

}  // namespace

Result<SessionStorePtr> OpenPgSessionStore(const std::string& conninfo) {
  MQCHAT_ASSIGN_OR_RETURN(store::PgConnPtr conn, store::ConnectPg(conninfo));
  return SessionStorePtr(new PgSessionStore(std::move(conn)));
}

}  // namespace mqchat::api
