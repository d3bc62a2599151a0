// StorePool: the service's store connections (an AccountStore, a SessionStore, a
// ProfileStore and an AttachmentStore on the same database, leased together; a CommunityStore
// joins a set the first time it is needed). Each store is confined to one thread at a time
// (store/account_store.h), so an HTTP thread leases them for the length of a request and gives
// them back. Connections open lazily (the service starts while the database is down and
// answers 503 UNAVAILABLE until it is back), at most `max_open` of them; a lease whose store
// failed with kUnavailable is discarded instead of returned. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "attachment_store.h"
#include "mqchat/status.h"
#include "profile_store.h"
#include "session_store.h"
#include "store/account_store.h"
#include "store/community_store.h"
#include "store/store_config.h"

namespace mqchat::api {

class StorePool;

// One connection's worth of stores.
struct StoreSet {
  store::AccountStorePtr accounts;
  SessionStorePtr sessions;
  ProfileStorePtr profiles;
  AttachmentStorePtr attachments;
  // Opened on first use (StoreLease::communities): only channel attachments need it.
  store::CommunityStorePtr communities;
  // With --pg_shards: each shard's, opened on first use (StoreLease::shard_attachments): the
  // download check of an attachment a sharded conversation's message carries.
  std::vector<AttachmentStorePtr> shard_attachments;
};

// One leased store; returns it to the pool when destroyed.
class StoreLease {
 public:
  StoreLease(StorePool* pool, StoreSet stores);
  ~StoreLease();
  StoreLease(StoreLease&& other) noexcept;
  StoreLease(const StoreLease&) = delete;
  StoreLease& operator=(const StoreLease&) = delete;
  StoreLease& operator=(StoreLease&&) = delete;

  store::AccountStore* operator->() { return stores_.accounts.get(); }
  SessionStore& sessions() { return *stores_.sessions; }
  ProfileStore& profiles() { return *stores_.profiles; }
  AttachmentStore& attachments() { return *stores_.attachments; }
  // The community store (issue 18: channel permissions), opened on first use and kept with
  // this set; kUnavailable if it cannot be opened.
  Result<store::CommunityStore*> communities();
  // The conversation shards (--pg_shards; 0 without).
  size_t shard_count() const;
  // Shard `i`'s attachment rows (its message_attachments and members), opened (and migrated)
  // on first use; kUnavailable if it cannot be reached.
  Result<AttachmentStore*> shard_attachments(size_t i);
  // Closes the connection instead of returning it (after kUnavailable: it may be broken).
  void Discard();

 private:
  StorePool* pool_;
  StoreSet stores_;
};

class StorePool {
 public:
  StorePool(store::StoreConfig config, int max_open);

  // A store for this thread; kUnavailable if none can be opened or none frees up in `wait`.
  Result<StoreLease> Acquire(std::chrono::milliseconds wait = std::chrono::seconds(5));

 private:
  friend class StoreLease;
  void Return(StoreSet stores);  // empty: a discarded connection

  const store::StoreConfig config_;
  const int max_open_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<StoreSet> idle_;
  int open_ = 0;  // idle + leased
};

}  // namespace mqchat::api
