#include "store/store_factory.h"

#include <sys/stat.h>

#include <utility>

#include "sqlite/sqlite_helpers.h"
#include "store/admin_chat_store.h"
#include "store/pg/pg_account_store.h"
#include "store/pg/pg_chat_store.h"
#include "store/pg/pg_handles.h"
#include "store/pg/pg_migrator.h"
#include "store/pg/pg_operator_store.h"
#include "store/pg/pg_push_store.h"
#include "store/pg/pg_report_store.h"
#include "store/pg/pg_retention_store.h"
#include "store/pg/pg_search_store.h"
#include "store/pg/pg_user_data_store.h"
#include "store/sharded_chat_store.h"
#include "store/sharded_operator_store.h"
#include "store/sharded_push_store.h"
#include "store/sharded_retention_store.h"
#include "store/sharded_search_store.h"
#include "store/sharded_user_data_store.h"
#include "store/sqlite/sqlite_account_store.h"
#include "store/sqlite/sqlite_chat_store.h"
#include "store/sqlite/sqlite_migrator.h"
#include "store/sqlite/sqlite_operator_store.h"
#include "store/sqlite/sqlite_push_store.h"
#include "store/sqlite/sqlite_report_store.h"
#include "store/sqlite/sqlite_retention_store.h"
#include "store/sqlite/sqlite_search_store.h"
#include "store/sqlite/sqlite_user_data_store.h"

namespace mqchat::store {
namespace {

// Opens `config`'s SQLite file, refusing a missing one unless config.create_if_missing, and a
// file this process may only read (sqlite would open it read-only and fail at the first write,
// long after start, with "attempt to write a readonly database"); then migrates it.
Result<SqliteDbPtr> OpenMigratedSqlite(const StoreConfig& config) {
  const std::string& path = config.sqlite_path;
  if (path.empty()) {
    return Status::InvalidArgument("sqlite_path is not set");
  }
  struct stat st {};
  if (!config.create_if_missing && path != ":memory:" && ::stat(path.c_str(), &st) != 0) {
    return Status::FailedPrecondition(
        "SQLite database " + path +
        " does not exist; create it with `mqchatctl --config MOSQUITTO_CONF migrate` run as the "
        "broker's user (e.g. sudo -u mosquitto mqchatctl ...), or start the broker once");
  }
  // The database holds every message and password hash: a file the store creates (and so its
  // -wal and -shm) is private to the broker's user.
  SqliteOpenOptions options;
  options.owner_only = true;
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenSqlite(path, options));
  if (sqlite3_db_readonly(db.get(), "main") == 1) {
    return SqliteStatus(db.get(), SQLITE_READONLY, "open sqlite database " + path);
  }
  MQCHAT_RETURN_IF_ERROR(MigrateSqlite(db.get()));
  return db;
}

Result<AccountStorePtr> OpenSqliteAccountStore(const StoreConfig& config,
                                               std::shared_ptr<const Clock> clock) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenMigratedSqlite(config));
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

Result<AdminChatStorePtr> OpenSqliteChatStore(const StoreConfig& config) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenMigratedSqlite(config));
  MQCHAT_ASSIGN_OR_RETURN(auto store, SqliteChatStore::Create(std::move(db)));
  return AdminChatStorePtr(std::move(store));
}

// `shard`: the database is a shard of a sharded store (PgChatStore::Create).
Result<std::unique_ptr<PgChatStore>> OpenMigratedPgChat(const StoreConfig& config, bool shard) {
  if (config.pg_conninfo.empty()) {
    return Status::InvalidArgument("pg_conninfo is not set");
  }
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr conn, ConnectPg(config.pg_conninfo));
  MQCHAT_RETURN_IF_ERROR(MigratePg(conn.get()));
  return PgChatStore::Create(std::move(conn), shard);
}

Result<AdminChatStorePtr> OpenPgChatStore(const StoreConfig& config) {
  MQCHAT_ASSIGN_OR_RETURN(auto store, OpenMigratedPgChat(config, /*shard=*/false));
  return AdminChatStorePtr(std::move(store));
}

Result<PushStorePtr> OpenSqlitePushStore(const StoreConfig& config) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenMigratedSqlite(config));
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

Result<ReportStorePtr> OpenSqliteReportStore(const StoreConfig& config) {
  MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenMigratedSqlite(config));
  MQCHAT_ASSIGN_OR_RETURN(auto store, SqliteReportStore::Create(std::move(db)));
  return ReportStorePtr(std::move(store));
}

Result<ReportStorePtr> OpenPgReportStore(const StoreConfig& config) {
  if (config.pg_conninfo.empty()) {
    return Status::InvalidArgument("pg_conninfo is not set");
  }
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr conn, ConnectPg(config.pg_conninfo));
  MQCHAT_RETURN_IF_ERROR(MigratePg(conn.get()));
  MQCHAT_ASSIGN_OR_RETURN(auto store, PgReportStore::Create(std::move(conn)));
  return ReportStorePtr(std::move(store));
}

// A PgT (made by its Create) on `config`'s PostgreSQL database, migrated.
template <typename PgT>
Result<std::unique_ptr<PgT>> OpenMigratedPg(const StoreConfig& config) {
  if (config.pg_conninfo.empty()) return Status::InvalidArgument("pg_conninfo is not set");
  MQCHAT_ASSIGN_OR_RETURN(PgConnPtr conn, ConnectPg(config.pg_conninfo));
  MQCHAT_RETURN_IF_ERROR(MigratePg(conn.get()));
  return PgT::Create(std::move(conn));
}

// A store of type Ptr on `config`'s database: SqliteT or PgT, each made by its Create.
template <typename Ptr, typename SqliteT, typename PgT>
Result<Ptr> OpenEither(const StoreConfig& config) {
  switch (config.backend) {
    case Backend::kSqlite: {
      MQCHAT_ASSIGN_OR_RETURN(SqliteDbPtr db, OpenMigratedSqlite(config));
      MQCHAT_ASSIGN_OR_RETURN(auto store, SqliteT::Create(std::move(db)));
      return Ptr(std::move(store));
    }
    case Backend::kPostgres: {
      MQCHAT_ASSIGN_OR_RETURN(auto store, OpenMigratedPg<PgT>(config));
      return Ptr(std::move(store));
    }
  }
  return Status::InvalidArgument("unknown store backend");
}

}  // namespace

Result<RetentionStorePtr> OpenRetentionStore(const StoreConfig& config) {
  auto open = OpenEither<RetentionStorePtr, SqliteRetentionStore, PgRetentionStore>;
  if (config.backend == Backend::kPostgres && !config.pg_shards.empty()) {
    MQCHAT_ASSIGN_OR_RETURN(auto sharded, ShardedRetentionStore::Create(config, open));
    return RetentionStorePtr(std::move(sharded));
  }
  return open(config);
}

Result<UserDataStorePtr> OpenUserDataStore(const StoreConfig& config) {
  if (config.backend == Backend::kPostgres && !config.pg_shards.empty()) {
    MQCHAT_ASSIGN_OR_RETURN(auto sharded,
                            ShardedUserDataStore::Create(config, OpenMigratedPg<PgUserDataStore>));
    return UserDataStorePtr(std::move(sharded));
  }
  return OpenEither<UserDataStorePtr, SqliteUserDataStore, PgUserDataStore>(config);
}

Result<OperatorStorePtr> OpenOperatorStore(const StoreConfig& config) {
  auto open = OpenEither<OperatorStorePtr, SqliteOperatorStore, PgOperatorStore>;
  if (config.backend == Backend::kPostgres && !config.pg_shards.empty()) {
    MQCHAT_ASSIGN_OR_RETURN(auto sharded, ShardedOperatorStore::Create(config, open));
    return OperatorStorePtr(std::move(sharded));
  }
  return open(config);
}

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
  MQCHAT_ASSIGN_OR_RETURN(AdminChatStorePtr store, OpenAdminChatStore(config));
  return ChatStorePtr(std::move(store));
}

Result<AdminChatStorePtr> OpenAdminChatStore(const StoreConfig& config) {
  switch (config.backend) {
    case Backend::kSqlite:
      return OpenSqliteChatStore(config);
    case Backend::kPostgres:
      if (!config.pg_shards.empty()) {
        // Every database but the global one is a shard (their push jobs are not filtered on
        // push targets, which are in the global database).
        auto open = [global = config.pg_conninfo](const StoreConfig& one) {
          return OpenMigratedPgChat(one, /*shard=*/one.pg_conninfo != global);
        };
        MQCHAT_ASSIGN_OR_RETURN(auto sharded, ShardedChatStore::Create(config, open));
        return AdminChatStorePtr(std::move(sharded));
      }
      return OpenPgChatStore(config);
  }
  return Status::InvalidArgument("unknown store backend");
}

Result<PushStorePtr> OpenPushStore(const StoreConfig& config) {
  switch (config.backend) {
    case Backend::kSqlite:
      return OpenSqlitePushStore(config);
    case Backend::kPostgres:
      if (!config.pg_shards.empty()) {
        MQCHAT_ASSIGN_OR_RETURN(auto sharded, ShardedPushStore::Create(config, OpenPgPushStore));
        return PushStorePtr(std::move(sharded));
      }
      return OpenPgPushStore(config);
  }
  return Status::InvalidArgument("unknown store backend");
}

Result<ReportStorePtr> OpenReportStore(const StoreConfig& config) {
  switch (config.backend) {
    case Backend::kSqlite:
      return OpenSqliteReportStore(config);
    case Backend::kPostgres:
      return OpenPgReportStore(config);
  }
  return Status::InvalidArgument("unknown store backend");
}

Result<SearchStorePtr> OpenSearchStore(const StoreConfig& config) {
  auto open = OpenEither<SearchStorePtr, SqliteSearchStore, PgSearchStore>;
  if (config.backend == Backend::kPostgres && !config.pg_shards.empty()) {
    MQCHAT_ASSIGN_OR_RETURN(auto sharded, ShardedSearchStore::Create(config, open));
    return SearchStorePtr(std::move(sharded));
  }
  return open(config);
}

}  // namespace mqchat::store
