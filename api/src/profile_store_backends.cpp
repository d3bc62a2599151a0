#include "profile_store_backends.h"

namespace mqchat::api {

Result<ProfileStorePtr> OpenProfileStore(const store::StoreConfig& config) {
  if (config.backend == store::Backend::kSqlite) return OpenSqliteProfileStore(config.sqlite_path);
  return OpenPgProfileStore(config.pg_conninfo);
}

}  // namespace mqchat::api
