// AttachmentStore on SQLite: one connection, statements compiled per call (as
// sqlite_profile_store.cpp), the SQL of attachment_store.h.
#include <utility>

#include "attachment_store.h"
#include "sqlite/sqlite_helpers.h"

namespace mqchat::api {
namespace {

namespace sql = attachment_sql;

AttachmentRecord ReadRecord(sqlite3_stmt* stmt) {
  AttachmentRecord r;
  r.id = ColumnText(stmt, 0);
  r.owner = ColumnText(stmt, 1);
  r.name = ColumnText(stmt, 2);
  r.declared_type = ColumnText(stmt, 3);
  r.size = ColumnInt64(stmt, 4);
  r.received = ColumnInt64(stmt, 5);
  r.finished = ColumnInt64(stmt, 6) != 0;
  r.content_type = ColumnText(stmt, 7);
  r.width = static_cast<int>(ColumnInt64(stmt, 8));
  r.height = static_cast<int>(ColumnInt64(stmt, 9));
  r.blob_id = ColumnText(stmt, 10);
  r.thumb_id = ColumnText(stmt, 11);
  r.created_at_ms = ColumnInt64(stmt, 12);
  r.finished_at_ms = ColumnInt64(stmt, 13);
  r.referenced_at_ms = ColumnInt64(stmt, 14);
  return r;
}

class SqliteAttachmentStore : public AttachmentStore {
 public:
  explicit SqliteAttachmentStore(SqliteDbPtr db) : db_(std::move(db)) {}

  Status Create(const AttachmentRecord& r) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kCreate));
    return BindAndRun(stmt.get(), std::string_view(r.id), std::string_view(r.owner),
                      std::string_view(r.name), std::string_view(r.declared_type), r.size,
                      r.created_at_ms);
  }

  Result<std::optional<AttachmentRecord>> Get(const std::string& id) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kGet));
    MQCHAT_ASSIGN_OR_RETURN(bool row, BindAndStep(stmt.get(), std::string_view(id)));
    if (!row) return std::optional<AttachmentRecord>();
    return std::optional<AttachmentRecord>(ReadRecord(stmt.get()));
  }

  Result<int64_t> CountUnfinished(const std::string& owner) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kCountUnfinished));
    MQCHAT_ASSIGN_OR_RETURN(bool row, BindAndStep(stmt.get(), std::string_view(owner)));
    return row ? ColumnInt64(stmt.get(), 0) : 0;
  }

  Status SetReceived(const std::string& id, int64_t received) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kSetReceived));
    return BindAndRun(stmt.get(), std::string_view(id), received);
  }

  Result<bool> Finish(const AttachmentRecord& r, int64_t now_ms) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kFinish));
    MQCHAT_RETURN_IF_ERROR(BindAndRun(stmt.get(), std::string_view(r.id), r.size,
                                      std::string_view(r.content_type), int64_t{r.width},
                                      int64_t{r.height}, std::string_view(r.blob_id),
                                      std::string_view(r.thumb_id), now_ms));
    return sqlite3_changes(db_.get()) > 0;
  }

  Result<bool> CanRead(const std::string& id, const std::string& user) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kCanRead));
    return BindAndStep(stmt.get(), std::string_view(id), std::string_view(user));
  }

  Result<std::vector<int64_t>> ChannelsOf(const std::string& id) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kChannelsOf));
    std::vector<int64_t> out;
    MQCHAT_ASSIGN_OR_RETURN(bool row, BindAndStep(stmt.get(), std::string_view(id)));
    while (row) {
      out.push_back(ColumnInt64(stmt.get(), 0));
      MQCHAT_ASSIGN_OR_RETURN(row, StepSqlite(stmt.get()));
    }
    return out;
  }

  Result<std::vector<AttachmentRecord>> Unreferenced(int64_t cutoff_ms, int limit) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kUnreferenced));
    std::vector<AttachmentRecord> out;
    MQCHAT_ASSIGN_OR_RETURN(bool row, BindAndStep(stmt.get(), cutoff_ms, int64_t{limit}));
    while (row) {
      out.push_back(ReadRecord(stmt.get()));
      MQCHAT_ASSIGN_OR_RETURN(row, StepSqlite(stmt.get()));
    }
    return out;
  }

  Result<bool> DeleteUnreferenced(const std::string& id) override {
    MQCHAT_ASSIGN_OR_RETURN(auto stmt, PrepareSqlite(db_.get(), sql::kDeleteUnreferenced));
    MQCHAT_RETURN_IF_ERROR(BindAndRun(stmt.get(), std::string_view(id)));
    return sqlite3_changes(db_.get()) > 0;
  }

 private:
  SqliteDbPtr db_;
};

}  // namespace

Result<AttachmentStorePtr> OpenSqliteAttachmentStore(const std::string& path) {
  SqliteOpenOptions options;
  options.owner_only = true;
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenSqlite(path, options));
  return AttachmentStorePtr(new SqliteAttachmentStore(std::move(db)));
}

Result<AttachmentStorePtr> OpenAttachmentStore(const store::StoreConfig& config) {
  if (config.backend == store::Backend::kSqlite) return OpenSqliteAttachmentStore(config.sqlite_path);
  return OpenPgAttachmentStore(config.pg_conninfo);
}

}  // namespace mqchat::api
