#include "auth/directory_refresher.h"

#include <chrono>

namespace mqchat::auth {
namespace {
constexpr int kPageSize = 5000;
}  // namespace

Result<std::vector<std::string>> RefreshOnce(store::AccountStore& store,
                                             UserDirectory& directory) {
  std::vector<std::string> revoked;
  while (true) {
    MQCHAT_ASSIGN_OR_RETURN(auto page, store.UsersChangedSince(directory.max_rev(), kPageSize));
    auto page_revoked = directory.Apply(page);
    revoked.insert(revoked.end(), page_revoked.begin(), page_revoked.end());
    if (page.size() < static_cast<size_t>(kPageSize)) break;
  }
  return revoked;
}

DirectoryRefresher::DirectoryRefresher(store::AccountStorePtr store, UserDirectory& directory,
                                       int interval_ms, Callbacks callbacks)
    : store_(std::move(store)),
      directory_(directory),
      interval_ms_(interval_ms),
      callbacks_(std::move(callbacks)),
      thread_([this] { Run(); }) {}

DirectoryRefresher::~DirectoryRefresher() { Stop(); }

void DirectoryRefresher::Stop() {
  {
    MutexLock lock(mu_);
    stopping_ = true;
  }
  cv_.NotifyAll();
  if (thread_.joinable()) thread_.join();
}

void DirectoryRefresher::Run() {
  bool failing = false;
  MutexLock lock(mu_);
  while (!stopping_) {
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(interval_ms_);
    while (!stopping_ && cv_.WaitUntil(mu_, deadline)) {
    }
    if (stopping_) break;
    lock.Unlock();
    auto revoked = RefreshOnce(*store_, directory_);
    if (!revoked.ok()) {
      if (!failing && callbacks_.on_store_error) callbacks_.on_store_error(revoked.status());
      failing = true;
    } else {
      if (failing && callbacks_.on_store_recovered) callbacks_.on_store_recovered();
      failing = false;
      if (!revoked->empty() && callbacks_.on_revoked) callbacks_.on_revoked(std::move(*revoked));
    }
    lock.Lock();
  }
}

}  // namespace mqchat::auth
