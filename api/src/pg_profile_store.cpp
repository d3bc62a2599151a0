// ProfileStore on PostgreSQL: one connection, unprepared parameterised statements (the SQL of
// profile_store_backends.h with $N placeholders). A lost connection fails with kUnavailable and
// the StorePool drops the lease.
#include <cstdlib>
#include <utility>

#include "profile_store_backends.h"
#include "store/pg/pg_handles.h"
#include "store/pg/pg_notices.h"

namespace mqchat::api {
namespace {

namespace sql = profile_sql;
using store::ExecParams;
using store::PgInt64;
using store::PgParams;
using store::PgText;

class PgProfileStore : public ProfileStore {
 public:
  explicit PgProfileStore(store::PgConnPtr conn)
      : conn_(std::move(conn)),
        get_(store::PgPlaceholders(sql::kGet)),
        save_(store::PgPlaceholders(sql::kSave)),
        share_(store::PgPlaceholders(sql::kShare)),
        find_(store::PgPlaceholders(sql::kFind)),
        touch_(store::PgPlaceholders(sql::kTouchDevice)),
        list_(store::PgPlaceholders(sql::kListDevices)),
        delete_device_(store::PgPlaceholders(sql::kDeleteDevice)),
        delete_push_(store::PgPlaceholders(sql::kDeletePushTarget)) {}

  Result<Profile> Get(const std::string& username) override {
    PgParams p;
    p.Text(username);
    MQCHAT_ASSIGN_OR_RETURN(auto res, ExecParams(conn_.get(), get_.c_str(), p));
    Profile out;
    out.username = username;
    if (PQntuples(res.get()) == 0) return out;
    out.display_name = PgText(res.get(), 0, 0);
    out.status_text = PgText(res.get(), 0, 1);
    out.avatar_id = PgText(res.get(), 0, 2);
    out.avatar_type = PgText(res.get(), 0, 3);
    MQCHAT_ASSIGN_OR_RETURN(int64_t discoverable, PgInt64(res.get(), 0, 4));
    out.discoverable = discoverable != 0;
    MQCHAT_ASSIGN_OR_RETURN(out.updated_at_ms, PgInt64(res.get(), 0, 5));
    return out;
  }

  Status Save(const Profile& profile) override {
    PgParams p;
    p.Text(profile.username).Text(profile.display_name).Text(profile.status_text);
    p.Text(profile.avatar_id).Text(profile.avatar_type).Int(profile.discoverable ? 1 : 0);
    p.Int(profile.updated_at_ms);
    return ExecParams(conn_.get(), save_.c_str(), p).status();
  }

  Status SaveAndAnnounce(const Profile& profile) override {
    MQCHAT_ASSIGN_OR_RETURN(store::PgTxn txn, store::PgTxn::Begin(conn_.get()));
    MQCHAT_RETURN_IF_ERROR(Save(profile));
    MQCHAT_RETURN_IF_ERROR(store::InsertNoticesPg(conn_.get(), {ProfileNotice(profile)}));
    return txn.Commit();
  }

  Result<bool> ShareConversation(const std::string& a, const std::string& b) override {
    PgParams p;
    p.Text(a).Text(b);
    MQCHAT_ASSIGN_OR_RETURN(auto res, ExecParams(conn_.get(), share_.c_str(), p));
    return PQntuples(res.get()) > 0;
  }

  Result<std::vector<Profile>> FindDiscoverable(const std::string& key, bool exact,
                                                int limit) override {
    PgParams p;
    p.Text(key).Int(exact ? 1 : 0).Int(limit);
    MQCHAT_ASSIGN_OR_RETURN(auto res, ExecParams(conn_.get(), find_.c_str(), p));
    std::vector<Profile> out;
    for (int row = 0; row < PQntuples(res.get()); ++row) {
      Profile profile;
      profile.username = PgText(res.get(), row, 0);
      profile.display_name = PgText(res.get(), row, 1);
      profile.status_text = PgText(res.get(), row, 2);
      profile.avatar_id = PgText(res.get(), row, 3);
      profile.avatar_type = PgText(res.get(), row, 4);
      profile.discoverable = true;
      MQCHAT_ASSIGN_OR_RETURN(profile.updated_at_ms, PgInt64(res.get(), row, 5));
      out.push_back(std::move(profile));
    }
    return out;
  }

  Status TouchDevice(const std::string& username, const std::string& device_id,
                     const std::string& platform, int64_t now_ms) override {
    PgParams p;
    p.Text(username).Text(device_id).Text(platform).Int(now_ms);
    return ExecParams(conn_.get(), touch_.c_str(), p).status();
  }

  Result<std::vector<DeviceRecord>> ListDevices(const std::string& username) override {
    PgParams p;
    p.Text(username);
    MQCHAT_ASSIGN_OR_RETURN(auto res, ExecParams(conn_.get(), list_.c_str(), p));
    std::vector<DeviceRecord> out;
    for (int row = 0; row < PQntuples(res.get()); ++row) {
      DeviceRecord d;
      d.device_id = PgText(res.get(), row, 0);
      d.platform = PgText(res.get(), row, 1);
      MQCHAT_ASSIGN_OR_RETURN(d.created_at_ms, PgInt64(res.get(), row, 2));
      MQCHAT_ASSIGN_OR_RETURN(d.last_seen_ms, PgInt64(res.get(), row, 3));
      d.push_platform = PgText(res.get(), row, 4);
      MQCHAT_ASSIGN_OR_RETURN(d.push_updated_at_ms, PgInt64(res.get(), row, 5));
      out.push_back(std::move(d));
    }
    return out;
  }

  Result<bool> DeleteDevice(const std::string& username, const std::string& device_id,
                            int64_t now_ms) override {
    MQCHAT_ASSIGN_OR_RETURN(store::PgTxn txn, store::PgTxn::Begin(conn_.get()));
    int changed = 0;
    for (const std::string* text : {&delete_device_, &delete_push_}) {
      PgParams p;
      p.Text(username).Text(device_id);
      MQCHAT_ASSIGN_OR_RETURN(auto res, ExecParams(conn_.get(), text->c_str(), p));
      changed += std::atoi(PQcmdTuples(res.get()));
    }
    if (changed > 0) {
      store::BrokerNotice signed_out;
      signed_out.kind = store::NoticeKind::kDeviceSignedOut;
      signed_out.username = username;
      signed_out.device_id = device_id;
      signed_out.created_at_ms = now_ms;
      MQCHAT_RETURN_IF_ERROR(store::InsertNoticesPg(conn_.get(), {signed_out}));
    }
    MQCHAT_RETURN_IF_ERROR(txn.Commit());
    return changed > 0;
  }

 private:
  store::PgConnPtr conn_;
  const std::string get_, save_, share_, find_, touch_, list_, delete_device_, delete_push_;
};

}  // namespace

Result<ProfileStorePtr> OpenPgProfileStore(const std::string& conninfo) {
  MQCHAT_ASSIGN_OR_RETURN(store::PgConnPtr conn, store::ConnectPg(conninfo));
  return ProfileStorePtr(new PgProfileStore(std::move(conn)));
}

}  // namespace mqchat::api
