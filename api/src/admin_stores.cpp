#include "admin_stores.h"

#include <iostream>
#include <utility>

#include "store/store_factory.h"

namespace mqchat::api {

AdminLease::AdminLease(AdminStores* owner, std::unique_lock<std::timed_mutex> lock)
    : owner_(owner), lock_(std::move(lock)) {}

store::AdminChatStore& AdminLease::chat() { return *owner_->chat_; }
store::ReportStore& AdminLease::reports() { return *owner_->reports_; }
store::UserDataStore& AdminLease::user_data() { return *owner_->user_data_; }
store::AccountStore& AdminLease::accounts() { return *owner_->accounts_; }

void AdminLease::Discard() {
  owner_->chat_.reset();
  owner_->reports_.reset();
  owner_->user_data_.reset();
  owner_->accounts_.reset();
}

Result<AdminLease> AdminStores::Acquire(std::chrono::milliseconds wait) {
  std::unique_lock<std::timed_mutex> lock(mu_, wait);
  if (!lock.owns_lock()) return Status::Unavailable("the admin store connections are busy");
  AdminLease lease(this, std::move(lock));
  if (chat_ && reports_ && user_data_ && accounts_) return std::move(lease);
  // The account store first: opening it applies the migrations.
  auto accounts = store::OpenAccountStore(config_);
  auto chat = accounts.ok() ? store::OpenAdminChatStore(config_)
                            : Result<store::AdminChatStorePtr>(accounts.status());
  auto reports = chat.ok() ? store::OpenReportStore(config_)
                           : Result<store::ReportStorePtr>(chat.status());
  auto user_data = reports.ok() ? store::OpenUserDataStore(config_)
                                : Result<store::UserDataStorePtr>(reports.status());
  if (!user_data.ok()) {
    std::cerr << "mqchat-api: cannot open the admin stores: " << user_data.status().message()
              << "\n";
    lease.Discard();
    return Status::Unavailable("the store is unavailable");
  }
  accounts_ = std::move(*accounts);
  chat_ = std::move(*chat);
  reports_ = std::move(*reports);
  user_data_ = std::move(*user_data);
  return std::move(lease);
}

}  // namespace mqchat::api
