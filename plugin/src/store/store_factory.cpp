#include "store/store_factory.h"

#include <utility>

#include "store/pg/pg_account_store.h"
#include "store/pg/pg_chat_store.h"
#include "store/pg/pg_handles.h"
#include "store/pg/pg_migrator.h"
#include "store/pg/pg_push_store.h"
#include "store/sqlite/sqlite_account_store.h"
#include "store/sqlite/sqlite_chat_store.h"
#include "sqlite/sqlite_helpers.h"
#include "store/sqlite/sqlite_migrator.h"
#include "store/sqlite/sqlite_push_store.h"

namespace mqchat::store {
namespace {

// The database holds every message and password hash: a file the store creates (and so its
// -wal and -shm) is private to the broker's user.
Result<SqliteDbPtr> OpenStoreSqlite(const std::string& path) {
  SqliteOpenOptions options;
  options.owner_only = true;
  return OpenSqlite(path, options);
}

Result<AccountStorePtr> OpenSqliteAccountStore(const StoreConfig& config,
                                               std::shared_ptr<const Clock> clock) {
  if (config.sqlite_path.empty()) {
    return Status::InvalidArgument("sqlite_path is not set");
  }
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenStoreSqlite(config.sqlite_path));
  MQCHAT_RETURN_IF_ERROR(MigrateSqlite(db.get()));
  MQCHAT_ASSIGN_OR_RETURN(auto store, SqliteAccountStore::Create(std::move(db), std::move(clock)));
  return AccountStorePtr(std::move(store));
}

Result<AccountStorePtr> OpenPgAccountStore(const StoreConfig& config,
                                           std::shared_ptr<const Clock> clock) {
  if (config.pg_conninfo.empty()) {
    return Status::InvalidArgument("pg_conninfo is not set");
  }
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr conn, ConnectPg(config.pg_conninfo));
  MQCHAT_RETURN_IF_ERROR(MigratePg(conn.get()));
  MQCHAT_ASSIGN_OR_RETURN(auto store, PgAccountStore::Create(std::move(conn), std::move(clock)));
  return AccountStorePtr(std::move(store));
}

Result<ChatStorePtr> OpenSqliteChatStore(const StoreConfig& config) {
  if (config.sqlite_path.empty()) {
    return Status::InvalidArgument("sqlite_path is not set");
  }
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenStoreSqlite(config.sqlite_path));
  MQCHAT_RETURN_IF_ERROR(MigrateSqlite(db.get()));
  MQCHAT_ASSIGN_OR_RETURN(auto store, SqliteChatStore::Create(std::move(db)));
  return ChatStorePtr(std::move(store));
}

Result<ChatStorePtr> OpenPgChatStore(const StoreConfig& config) {
  if (config.pg_conninfo.empty()) {
    return Status::InvalidArgument("pg_conninfo is not set");
  }
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr conn, ConnectPg(config.pg_conninfo));
  MQCHAT_RETURN_IF_ERROR(MigratePg(conn.get()));
  MQCHAT_ASSIGN_OR_RETURN(auto store, PgChatStore::Create(std::move(conn)));
  return ChatStorePtr(std::move(store));
}

Result<PushStorePtr> OpenSqlitePushStore(const StoreConfig& config) {
  if (config.sqlite_path.empty()) {
    return Status::InvalidArgument("sqlite_path is not set");
  }
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenStoreSqlite(config.sqlite_path));
  MQCHAT_RETURN_IF_ERROR(MigrateSqlite(db.get()));
  MQCHAT_ASSIGN_OR_RETURN(auto store, SqlitePushStore::Create(std::move(db)));
  return PushStorePtr(std::move(store));
}

Result<PushStorePtr> OpenPgPushStore(const StoreConfig& config) {
  if (config.pg_conninfo.empty()) {
    return Status::InvalidArgument("pg_conninfo is not set");
  }
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr conn, ConnectPg(config.pg_conninfo));
  MQCHAT_RETURN_IF_ERROR(MigratePg(conn.get()));
  MQCHAT_ASSIGN_OR_RETURN(auto store, PgPushStore::Create(std::move(conn)));
  return PushStorePtr(std::move(store));
}

}  // namespace

Result<AccountStorePtr> OpenAccountStore(const StoreConfig& config,
                                         std::shared_ptr<const Clock> clock) {
  if (clock == nullptr) {
    clock = std::make_shared<SystemClock>();
  }
  switch (config.backend) {
    case Backend::kSqlite:
      return OpenSqliteAccountStore(config, std::move(clock));
    case Backend::kPostgres:
      return OpenPgAccountStore(config, std::move(clock));
  }
  return Status::InvalidArgument("unknown store backend");
}

Result<ChatStorePtr> OpenChatStore(const StoreConfig& config,
                                   std::shared_ptr<const Clock> /*clock*/) {
  switch (config.backend) {
    case Backend::kSqlite:
      return OpenSqliteChatStore(config);
    case Backend::kPostgres:
      return OpenPgChatStore(config);
  }
  return Status::InvalidArgument("unknown store backend");
}

Result<PushStorePtr> OpenPushStore(const StoreConfig& config) {
  switch (config.backend) {
    case Backend::kSqlite:
      return OpenSqlitePushStore(config);
    case Backend::kPostgres:
      return OpenPgPushStore(config);
  }
  return Status::InvalidArgument("unknown store backend");
}

}  // namespace mqchat::store
