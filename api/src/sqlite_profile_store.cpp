// ProfileStore on SQLite (the embedded default): one connection, statements compiled per call,
// as in sqlite_session_store.cpp.
#include <utility>

#include "profile_store_backends.h"
#include "sqlite/sqlite_helpers.h"
#include "store/sqlite/sqlite_notices.h"

namespace mqchat::api {
namespace {

namespace sql = profile_sql;

class SqliteProfileStore : public ProfileStore {
 public:
  explicit SqliteProfileStore(SqliteDbPtr db) : db_(std::move(db)) {}

  Result<Profile> Get(const std::string& username) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kGet));
    MQCHAT_ASSIGN_OR_RETURN(bool row, BindAndStep(stmt.get(), std::string_view(username)));
    Profile p;
    p.username = username;
    if (!row) return p;
    p.display_name = ColumnText(stmt.get(), 0);
    p.status_text = ColumnText(stmt.get(), 1);
    p.avatar_id = ColumnText(stmt.get(), 2);
    p.avatar_type = ColumnText(stmt.get(), 3);
    p.discoverable = ColumnInt64(stmt.get(), 4) != 0;
    p.updated_at_ms = ColumnInt64(stmt.get(), 5);
    return p;
  }

  Status Save(const Profile& p) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kSave));
    return BindAndRun(stmt.get(), std::string_view(p.username), std::string_view(p.display_name),
                      std::string_view(p.status_text), std::string_view(p.avatar_id),
                      std::string_view(p.avatar_type), int64_t{p.discoverable ? 1 : 0},
                      p.updated_at_ms);
  }

  Status SaveAndAnnounce(const Profile& p) override {
    MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
    MQCHAT_RETURN_IF_ERROR(Save(p));
    MQCHAT_RETURN_IF_ERROR(store::InsertNoticesSqlite(db_.get(), {ProfileNotice(p)}));
    return txn.Commit();
  }

  Result<bool> ShareConversation(const std::string& a, const std::string& b) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kShare));
    return BindAndStep(stmt.get(), std::string_view(a), std::string_view(b));
  }

  Result<std::vector<Profile>> FindDiscoverable(const std::string& key, bool exact,
                                                int limit) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kFind));
    std::vector<Profile> out;
    MQCHAT_ASSIGN_OR_RETURN(bool row, BindAndStep(stmt.get(), std::string_view(key),
                                                  int64_t{exact ? 1 : 0}, int64_t{limit}));
    while (row) {
      Profile p;
      p.username = ColumnText(stmt.get(), 0);
      p.display_name = ColumnText(stmt.get(), 1);
      p.status_text = ColumnText(stmt.get(), 2);
      p.avatar_id = ColumnText(stmt.get(), 3);
      p.avatar_type = ColumnText(stmt.get(), 4);
      p.discoverable = true;
      p.updated_at_ms = ColumnInt64(stmt.get(), 5);
      out.push_back(std::move(p));
      MQCHAT_ASSIGN_OR_RETURN(row, StepSqlite(stmt.get()));
    }
    return out;
  }

  Status TouchDevice(const std::string& username, const std::string& device_id,
                     const std::string& platform, int64_t now_ms) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kTouchDevice));
    return BindAndRun(stmt.get(), std::string_view(username), std::string_view(device_id),
                      std::string_view(platform), now_ms);
  }

  Result<std::vector<DeviceRecord>> ListDevices(const std::string& username) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kListDevices));
    std::vector<DeviceRecord> out;
    MQCHAT_ASSIGN_OR_RETURN(bool row, BindAndStep(stmt.get(), std::string_view(username)));
    while (row) {
      DeviceRecord d;
      d.device_id = ColumnText(stmt.get(), 0);
      d.platform = ColumnText(stmt.get(), 1);
      d.created_at_ms = ColumnInt64(stmt.get(), 2);
      d.last_seen_ms = ColumnInt64(stmt.get(), 3);
      d.push_platform = ColumnText(stmt.get(), 4);
      d.push_updated_at_ms = ColumnInt64(stmt.get(), 5);
      out.push_back(std::move(d));
      MQCHAT_ASSIGN_OR_RETURN(row, StepSqlite(stmt.get()));
    }
    return out;
  }

  Result<bool> DeleteDevice(const std::string& username, const std::string& device_id,
                            int64_t now_ms) override {
    MQCHAT_ASSIGN_OR_RETURN(SqliteTxn txn, SqliteTxn::Begin(db_.get()));
    int changed = 0;
    for (const char* text : {sql::kDeleteDevice, sql::kDeletePushTarget}) {
      MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), text));
      MQCHAT_RETURN_IF_ERROR(
          BindAndRun(stmt.get(), std::string_view(username), std::string_view(device_id)));
      changed += sqlite3_changes(db_.get());
    }
    if (changed > 0) {
      store::BrokerNotice signed_out;
      signed_out.kind = store::NoticeKind::kDeviceSignedOut;
      signed_out.username = username;
      signed_out.device_id = device_id;
      signed_out.created_at_ms = now_ms;
      MQCHAT_RETURN_IF_ERROR(store::InsertNoticesSqlite(db_.get(), {signed_out}));
    }
    MQCHAT_RETURN_IF_ERROR(txn.Commit());
    return changed > 0;
  }

 private:
  SqliteDbPtr db_;
};

}  // namespace

Result<ProfileStorePtr> OpenSqliteProfileStore(const std::string& path) {
  SqliteOpenOptions options;
  options.owner_only = true;
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenSqlite(path, options));
  return ProfileStorePtr(new SqliteProfileStore(std::move(db)));
}

}  // namespace mqchat::api
