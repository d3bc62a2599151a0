// AttachmentStore on PostgreSQL: one connection, unprepared parameterised statements (the SQL
// of attachment_store.h with $N placeholders). A lost connection fails with kUnavailable and the
// StorePool drops the lease.
#include <cstdlib>
#include <utility>

#include "attachment_store.h"
#include "profile_store_backends.h"
#include "store/pg/pg_handles.h"

namespace mqchat::api {
namespace {

namespace sql = attachment_sql;
using store::ExecParams;
using store::PgInt64;
using store::PgParams;
using store::PgText;

Result<AttachmentRecord> ReadRecord(PGresult* res, int row) {
  AttachmentRecord r;
  r.id = PgText(res, row, 0);
  r.owner = PgText(res, row, 1);
  r.name = PgText(res, row, 2);
  r.declared_type = PgText(res, row, 3);
  MQCHAT_ASSIGN_OR_RETURN(r.size, PgInt64(res, row, 4));
  MQCHAT_ASSIGN_OR_RETURN(r.received, PgInt64(res, row, 5));
  MQCHAT_ASSIGN_OR_RETURN(int64_t state, PgInt64(res, row, 6));
  r.finished = state != 0;
  r.content_type = PgText(res, row, 7);
  MQCHAT_ASSIGN_OR_RETURN(int64_t width, PgInt64(res, row, 8));
  MQCHAT_ASSIGN_OR_RETURN(int64_t height, PgInt64(res, row, 9));
  r.width = static_cast<int>(width);
  r.height = static_cast<int>(height);
  r.blob_id = PgText(res, row, 10);
  r.thumb_id = PgText(res, row, 11);
  MQCHAT_ASSIGN_OR_RETURN(r.created_at_ms, PgInt64(res, row, 12));
  MQCHAT_ASSIGN_OR_RETURN(r.finished_at_ms, PgInt64(res, row, 13));
  MQCHAT_ASSIGN_OR_RETURN(r.referenced_at_ms, PgInt64(res, row, 14));
  return r;
}

class PgAttachmentStore : public AttachmentStore {
 public:
  explicit PgAttachmentStore(store::PgConnPtr conn) : conn_(std::move(conn)) {}

  Status Create(const AttachmentRecord& r) override {
    PgParams p;
    p.Text(r.id).Text(r.owner).Text(r.name).Text(r.declared_type).Int(r.size).Int(r.created_at_ms);
    return Exec(sql::kCreate, p).status();
  }

  Result<std::optional<AttachmentRecord>> Get(const std::string& id) override {
    PgParams p;
    p.Text(id);
    MQCHAT_ASSIGN_OR_RETURN(auto res, Exec(sql::kGet, p));
    if (PQntuples(res.get()) == 0) return std::optional<AttachmentRecord>();
    MQCHAT_ASSIGN_OR_RETURN(AttachmentRecord r, ReadRecord(res.get(), 0));
    return std::optional<AttachmentRecord>(std::move(r));
  }

  Result<int64_t> CountUnfinished(const std::string& owner) override {
    PgParams p;
    p.Text(owner);
    MQCHAT_ASSIGN_OR_RETURN(auto res, Exec(sql::kCountUnfinished, p));
    return PgInt64(res.get(), 0, 0);
  }

  Status SetReceived(const std::string& id, int64_t received) override {
    PgParams p;
    p.Text(id).Int(received);
    return Exec(sql::kSetReceived, p).status();
  }

  Result<bool> Finish(const AttachmentRecord& r, int64_t now_ms) override {
    PgParams p;
    p.Text(r.id).Int(r.size).Text(r.content_type).Int(r.width).Int(r.height);
    p.Text(r.blob_id).Text(r.thumb_id).Int(now_ms);
    MQCHAT_ASSIGN_OR_RETURN(auto res, Exec(sql::kFinish, p));
    return std::atoi(PQcmdTuples(res.get())) > 0;
  }

  Result<bool> CanRead(const std::string& id, const std::string& user) override {
    PgParams p;
    p.Text(id).Text(user);
    MQCHAT_ASSIGN_OR_RETURN(auto res, Exec(sql::kCanRead, p));
    return PQntuples(res.get()) > 0;
  }

  Result<std::vector<int64_t>> ChannelsOf(const std::string& id) override {
    PgParams p;
    p.Text(id);
    MQCHAT_ASSIGN_OR_RETURN(auto res, Exec(sql::kChannelsOf, p));
    std::vector<int64_t> out;
    for (int row = 0; row < PQntuples(res.get()); ++row) {
      MQCHAT_ASSIGN_OR_RETURN(int64_t channel, PgInt64(res.get(), row, 0));
      out.push_back(channel);
    }
    return out;
  }

  Result<std::vector<AttachmentRecord>> Unreferenced(int64_t cutoff_ms, int limit) override {
    PgParams p;
    p.Int(cutoff_ms).Int(limit);
    MQCHAT_ASSIGN_OR_RETURN(auto res, Exec(sql::kUnreferenced, p));
    std::vector<AttachmentRecord> out;
    for (int row = 0; row < PQntuples(res.get()); ++row) {
      MQCHAT_ASSIGN_OR_RETURN(AttachmentRecord r, ReadRecord(res.get(), row));
      out.push_back(std::move(r));
    }
    return out;
  }

  Result<bool> DeleteUnreferenced(const std::string& id) override {
    PgParams p;
    p.Text(id);
    MQCHAT_ASSIGN_OR_RETURN(auto res, Exec(sql::kDeleteUnreferenced, p));
    return std::atoi(PQcmdTuples(res.get())) > 0;
  }

  Result<std::vector<std::string>> UnlinkedCopies(int limit) override {
    PgParams p;
    p.Int(limit);
    MQCHAT_ASSIGN_OR_RETURN(auto res, Exec(sql::kUnlinkedCopies, p));
    std::vector<std::string> out;
    for (int row = 0; row < PQntuples(res.get()); ++row) out.push_back(PgText(res.get(), row, 0));
    return out;
  }

  Result<bool> Carried(const std::string& id) override {
    PgParams p;
    p.Text(id);
    MQCHAT_ASSIGN_OR_RETURN(auto res, Exec(sql::kCarried, p));
    return PQntuples(res.get()) > 0;
  }

  Result<bool> Release(const std::string& id, int64_t referenced_at_ms) override {
    PgParams p;
    p.Text(id).Int(referenced_at_ms);
    MQCHAT_ASSIGN_OR_RETURN(auto res, Exec(sql::kRelease, p));
    return std::atoi(PQcmdTuples(res.get())) > 0;
  }

  Status MarkReconciled(const std::string& id) override {
    PgParams p;
    p.Text(id);
    return Exec(sql::kMarkReconciled, p).status();
  }

 private:
  Result<store::PgResultPtr> Exec(const char* text, const PgParams& p) {
    return ExecParams(conn_.get(), store::PgPlaceholders(text).c_str(), p);
  }

  store::PgConnPtr conn_;
};

}  // namespace

Result<AttachmentStorePtr> OpenPgAttachmentStore(const std::string& conninfo) {
  MQCHAT_ASSIGN_OR_RETURN(store::PgConnPtr conn, store::ConnectPg(conninfo));
  return AttachmentStorePtr(new PgAttachmentStore(std::move(conn)));
}

}  // namespace mqchat::api
