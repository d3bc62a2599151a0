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
                                       int interval_ms, Callbacks callbacks,
                                       std::unique_ptr<notices::NoticePoller> notices)
    : store_(std::move(store)),
      directory_(directory),
      interval_ms_(interval_ms),
      callbacks_(std::move(callbacks)),
      notices_(std::move(notices)),
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
    Status polled = PollOnce();
    if (!polled.ok()) {
      if (!failing && callbacks_.on_store_error) callbacks_.on_store_error(polled);
      failing = true;
    } else {
      if (failing && callbacks_.on_store_recovered) callbacks_.on_store_recovered();
      failing = false;
    }
    lock.Lock();
  }
}

Status DirectoryRefresher::PollOnce() {
  auto revoked = RefreshOnce(*store_, directory_);
  if (!revoked.ok()) return revoked.status();
  if (!revoked->empty() && callbacks_.on_revoked) callbacks_.on_revoked(std::move(*revoked));
  if (notices_ == nullptr) return Status::Ok();
  auto notices = notices_->Poll(*store_);
  if (!notices.ok()) return notices.status().WithContext("broker notices");
  if (!notices->empty() && callbacks_.on_notices) callbacks_.on_notices(std::move(*notices));
  return Status::Ok();
}

}  // namespace mqchat::auth
