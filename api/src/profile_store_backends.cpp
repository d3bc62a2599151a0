#include "profile_store_backends.h"

#include "store/pg/pg_handles.h"

namespace mqchat::api {

Result<ProfileStorePtr> OpenProfileStore(const store::StoreConfig& config) {
  if (config.backend == store::Backend::kSqlite) return OpenSqliteProfileStore(config.sqlite_path);
  return OpenPgProfileStore(config.pg_conninfo);
}

std::string PgSql(const char* sql) { return store::PgPlaceholders(sql); }

}  // namespace mqchat::api
