// SessionStore on SQLite (the embedded default): one connection, statements compiled per call
// (the API service's request rate makes caching them not worth the code).
#include <utility>

#include "session_store_backends.h"
#include "sqlite/sqlite_helpers.h"

namespace mqchat::api {
namespace {

class SqliteSessionStore : public SessionStore {
 public:
  explicit SqliteSessionStore(SqliteDbPtr db) : db_(std::move(db)) {}

  Status Insert(const RefreshRecord& r) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(),
        "INSERT INTO refresh_tokens (token_hash, family_id, username, created_at_ms, "
        "expires_at_ms, state, device_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"));
    return BindAndRun(stmt.get(), std::string_view(r.token_hash), std::string_view(r.family_id),
                      std::string_view(r.username), r.created_at_ms, r.expires_at_ms,
                      static_cast<int64_t>(r.state), std::string_view(r.device_id));
  }

  Result<RefreshRecord> Get(const std::string& token_hash) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(),
        "SELECT family_id, username, created_at_ms, expires_at_ms, state, device_id "
        "FROM refresh_tokens WHERE token_hash = ?1"));
    MQCHAT_ASSIGN_OR_RETURN(bool row, BindAndStep(stmt.get(), std::string_view(token_hash)));
    if (!row) return Status::NotFound("no such refresh token");
    RefreshRecord r;
    r.token_hash = token_hash;
    r.family_id = ColumnText(stmt.get(), 0);
    r.username = ColumnText(stmt.get(), 1);
    r.created_at_ms = ColumnInt64(stmt.get(), 2);
    r.expires_at_ms = ColumnInt64(stmt.get(), 3);
    r.state = static_cast<RefreshState>(ColumnInt64(stmt.get(), 4));
    r.device_id = ColumnText(stmt.get(), 5);
    return r;
  }

  Result<bool> MarkUsed(const std::string& token_hash) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(),
        "UPDATE refresh_tokens SET state = 1 WHERE token_hash = ?1 AND state = 0"));
    MQCHAT_RETURN_IF_ERROR(BindAndRun(stmt.get(), std::string_view(token_hash)));
    return sqlite3_changes(db_.get()) == 1;
  }

  Status RevokeFamily(const std::string& family_id) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(),
        "UPDATE refresh_tokens SET state = 2 WHERE family_id = ?1"));
    return BindAndRun(stmt.get(), std::string_view(family_id));
  }

  Status RevokeUserFamilies(const std::string& username,
                            const std::string& keep_family_id) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(),
        "UPDATE refresh_tokens SET state = 2 "
        "WHERE username = ?1 AND family_id <> ?2 AND state <> 2"));
    return BindAndRun(stmt.get(), std::string_view(username), std::string_view(keep_family_id));
  }

  Status RevokeDeviceFamilies(const std::string& username,
                              const std::string& device_id) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(),
        "UPDATE refresh_tokens SET state = 2 "
        "WHERE username = ?1 AND device_id = ?2 AND state <> 2"));
    return BindAndRun(stmt.get(), std::string_view(username), std::string_view(device_id));
  }

  Result<std::string> UsernameForKey(const std::string& key) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(),
        "SELECT username FROM users WHERE username_key = ?1"));
    MQCHAT_ASSIGN_OR_RETURN(bool row, BindAndStep(stmt.get(), std::string_view(key)));
    if (!row) return Status::NotFound("no such user");
    return ColumnText(stmt.get(), 0);
  }

  Status InsertInvite(const std::string& code_hash, int64_t created_at_ms, int64_t expires_at_ms,
                      int64_t max_uses) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(),
        "INSERT INTO invites (code_hash, created_at_ms, expires_at_ms, max_uses) "
        "VALUES (?1, ?2, ?3, ?4)"));
    return BindAndRun(stmt.get(), std::string_view(code_hash), created_at_ms, expires_at_ms,
                      max_uses);
  }

  Result<bool> ConsumeInvite(const std::string& code_hash, int64_t now_ms) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(),
        "UPDATE invites SET uses = uses + 1 "
        "WHERE code_hash = ?1 AND uses < max_uses AND expires_at_ms > ?2"));
    MQCHAT_RETURN_IF_ERROR(BindAndRun(stmt.get(), std::string_view(code_hash), now_ms));
    return sqlite3_changes(db_.get()) == 1;
  }

  Status ReleaseInvite(const std::string& code_hash) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(),
        "UPDATE invites SET uses = uses - 1 WHERE code_hash = ?1 AND uses > 0"));
    return BindAndRun(stmt.get(), std::string_view(code_hash));
  }

 private:
  SqliteDbPtr db_;
};

}  // namespace

Result<SessionStorePtr> OpenSqliteSessionStore(const std::string& path) {
  SqliteOpenOptions options;
  options.owner_only = true;
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenSqlite(path, options));
  return SessionStorePtr(new SqliteSessionStore(std::move(db)));
}

}  // namespace mqchat::api
