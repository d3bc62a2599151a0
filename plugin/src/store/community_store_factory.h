// Opens the configured CommunityStore (issue 18): connects, applies the embedded migrations,
// and builds the SQL runner of the backend under the one SqlCommunityStore. Kept beside
// store_factory.h (which opens the other stores) so the communities slice lands in files of
// its own. Any thread; the returned store then belongs to the calling thread.
#pragma once

#include "mqchat/status.h"
#include "store/community_store.h"
#include "store/sql_community_store.h"
#include "store/store_config.h"

namespace mqchat::store {

// Fails as OpenChatStore does (store_factory.h). The SQLite file must exist (the account
// store, opened first, creates it when allowed).
Result<CommunityStorePtr> OpenCommunityStore(const StoreConfig& config,
                                             CommunityLimits limits = {});

}  // namespace mqchat::store
