// Opens the configured AccountStore, ChatStore, PushStore or ReportStore: connects, applies the embedded migrations,
// and prepares the store. The only place that names the concrete store classes. Any thread;
// the returned store then belongs to the calling thread.
#pragma once

#include <memory>

#include "mqchat/status.h"
#include "store/account_store.h"
#include "store/chat_store.h"
#include "store/push_store.h"
#include "store/report_store.h"
#include "store/search_store.h"
#include "store/operator_store.h"
#include "store/retention_store.h"
#include "store/store_config.h"
#include "store/user_data_store.h"
#include "util/clock.h"

namespace mqchat::store {

// Returns a ready store on `config`'s database, migrated to the newest schema.
// kInvalidArgument if the config names no database; kUnavailable if the database cannot be
// reached (retry later); kFailedPrecondition if its schema is newer than this build.
// `clock` stamps created/updated times; null means the system clock.
Result<AccountStorePtr> OpenAccountStore(const StoreConfig& config,
                                         std::shared_ptr<const Clock> clock = nullptr);

// Returns a ready ChatStore (its own connection, statements prepared) on `config`'s database,
// migrated to the newest schema. Fails as OpenAccountStore does. Every ChatStore method takes
// its time as an argument, so `clock` is accepted for symmetry and not used today.
Result<ChatStorePtr> OpenChatStore(const StoreConfig& config,
                                   std::shared_ptr<const Clock> clock = nullptr);

// Returns a ready PushStore (its own connection, statements prepared) on `config`'s database,
// migrated to the newest schema. Fails as OpenChatStore does.
Result<PushStorePtr> OpenPushStore(const StoreConfig& config);

// Returns a ready ReportStore (the moderation queue; its own connection) on `config`'s
// database, migrated to the newest schema. Fails as OpenChatStore does.
Result<ReportStorePtr> OpenReportStore(const StoreConfig& config);

// Returns a ready SearchStore (the search index of migration 014; its own connection) on
// `config`'s database, migrated to the newest schema. Fails as OpenChatStore does.
Result<SearchStorePtr> OpenSearchStore(const StoreConfig& config);
// Returns a ready RetentionStore or UserDataStore (issue 24: retention, erasure, export; each
// its own connection) on `config`'s database, migrated to the newest schema. Fail as
// OpenChatStore does.
Result<RetentionStorePtr> OpenRetentionStore(const StoreConfig& config);
Result<UserDataStorePtr> OpenUserDataStore(const StoreConfig& config);
// Returns a ready OperatorStore (issue 19: mqchatctl's conversation list, group admins, stats;
// its own connection) on `config`'s database, migrated to the newest schema.
Result<OperatorStorePtr> OpenOperatorStore(const StoreConfig& config);

}  // namespace mqchat::store
