// AdminStores: the admin API's store connections (an AdminChatStore, a ReportStore, a
// UserDataStore and an AccountStore on the service's database), apart from StorePool's: the
// groups and the moderation queue need stores the other endpoints never use. One set, opened
// on first use and leased to one request at a time (the admin API serves an app backend's
// occasional calls, not clients' traffic); a lease whose store failed with kUnavailable
// closes the set, and the next request opens it again. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>

#include "mqchat/status.h"
#include "store/account_store.h"
#include "store/admin_chat_store.h"
#include "store/report_store.h"
#include "store/store_config.h"
#include "store/user_data_store.h"

namespace mqchat::api {

class AdminStores;

// The set, held by one request until destroyed.
class AdminLease {
 public:
  AdminLease(AdminStores* owner, std::unique_lock<std::timed_mutex> lock);
  AdminLease(AdminLease&&) = default;

  store::AdminChatStore& chat();
  store::ReportStore& reports();
  store::UserDataStore& user_data();
  store::AccountStore& accounts();
  // Closes the set (after kUnavailable: a connection may be broken).
  void Discard();

 private:
  AdminStores* owner_;
  std::unique_lock<std::timed_mutex> lock_;
};

class AdminStores {
 public:
  explicit AdminStores(store::StoreConfig config) : config_(std::move(config)) {}

  // The set for this request; kUnavailable if it cannot be opened, or another request holds it
  // for longer than `wait`.
  Result<AdminLease> Acquire(std::chrono::milliseconds wait = std::chrono::seconds(5));

 private:
  friend class AdminLease;
  const store::StoreConfig config_;
  std::timed_mutex mu_;
  // Guarded by mu_ (held by the lease).
  store::AdminChatStorePtr chat_;
  store::ReportStorePtr reports_;
  store::UserDataStorePtr user_data_;
  store::AccountStorePtr accounts_;
};

}  // namespace mqchat::api
