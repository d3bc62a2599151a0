// StorePool: the service's AccountStore connections. Each store is confined to one thread at a
// time (store/account_store.h), so an HTTP thread leases one for the length of a request and
// gives it back. Connections open lazily (the service starts while the database is down and
// answers 503 UNAVAILABLE until it is back), at most `max_open` of them; a lease whose store
// failed with kUnavailable is discarded instead of returned. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "mqchat/status.h"
#include "store/account_store.h"
#include "store/store_config.h"

namespace mqchat::api {

class StorePool;

// One leased store; returns it to the pool when destroyed.
class StoreLease {
 public:
  StoreLease(StorePool* pool, store::AccountStorePtr store);
  ~StoreLease();
  StoreLease(StoreLease&& other) noexcept;
  StoreLease(const StoreLease&) = delete;
  StoreLease& operator=(const StoreLease&) = delete;
  StoreLease& operator=(StoreLease&&) = delete;

  store::AccountStore& operator*() { return *store_; }
  store::AccountStore* operator->() { return store_.get(); }
  // Closes the connection instead of returning it (after kUnavailable: it may be broken).
  void Discard();

 private:
  StorePool* pool_;
  store::AccountStorePtr store_;
};

class StorePool {
 public:
  StorePool(store::StoreConfig config, int max_open);

  // A store for this thread; kUnavailable if none can be opened or none frees up in `wait`.
  Result<StoreLease> Acquire(std::chrono::milliseconds wait = std::chrono::seconds(5));

 private:
  friend class StoreLease;
  void Return(store::AccountStorePtr store);  // null: a discarded connection

  const store::StoreConfig config_;
  const int max_open_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<store::AccountStorePtr> idle_;
  int open_ = 0;  // idle + leased
};

}  // namespace mqchat::api
