#include "store/community_store_factory.h"

#include <utility>

#include "sqlite/sqlite_helpers.h"
#include "store/pg/pg_community_sql.h"
#include "store/pg/pg_handles.h"
#include "store/pg/pg_migrator.h"
#include "store/sqlite/sqlite_community_sql.h"
#include "store/sqlite/sqlite_migrator.h"

namespace mqchat::store {
namespace {

Result<CommunitySqlPtr> OpenSqliteRunner(const StoreConfig& config) {
  if (config.sqlite_path.empty()) return Status::InvalidArgument("sqlite_path is not set");
  SqliteOpenOptions options;
  options.owner_only = true;
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenSqlite(config.sqlite_path, options));
  if (sqlite3_db_readonly(db.get(), "main") == 1) {
    return SqliteStatus(db.get(), SQLITE_READONLY, "open sqlite database " + config.sqlite_path);
  }
  MQCHAT_RETURN_IF_ERROR(MigrateSqlite(db.get()));
  return CommunitySqlPtr(new SqliteCommunitySql(std::move(db)));
}

Result<CommunitySqlPtr> OpenPgRunner(const StoreConfig& config) {
  if (config.pg_conninfo.empty()) return Status::InvalidArgument("pg_conninfo is not set");
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr conn, ConnectPg(config.pg_conninfo));
  MQCHAT_RETURN_IF_ERROR(MigratePg(conn.get()));
  MQCHAT_ASSIGN_OR_RETURN(auto runner, PgCommunitySql::Create(std::move(conn)));
  return CommunitySqlPtr(std::move(runner));
}

}  // namespace

Result<CommunityStorePtr> OpenCommunityStore(const StoreConfig& config, CommunityLimits limits) {
  Result<CommunitySqlPtr> sql = Status::InvalidArgument("unknown store backend");
  switch (config.backend) {
    case Backend::kSqlite:
      sql = OpenSqliteRunner(config);
      break;
    case Backend::kPostgres:
      sql = OpenPgRunner(config);
      break;
  }
  MQCHAT_RETURN_IF_ERROR(sql.status());
  return CommunityStorePtr(new SqlCommunityStore(std::move(*sql), limits));
}

}  // namespace mqchat::store
