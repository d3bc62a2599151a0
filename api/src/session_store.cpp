#include "session_store.h"

#include "session_store_backends.h"

namespace mqchat::api {

Result<SessionStorePtr> OpenSessionStore(const store::StoreConfig& config) {
  if (config.backend == store::Backend::kSqlite) return OpenSqliteSessionStore(config.sqlite_path);
  return OpenPgSessionStore(config.pg_conninfo);
}

}  // namespace mqchat::api
