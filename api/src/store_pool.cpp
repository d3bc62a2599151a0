#include "store_pool.h"

#include <iostream>
#include <utility>

#include "store/store_factory.h"

namespace mqchat::api {

StoreLease::StoreLease(StorePool* pool, store::AccountStorePtr store)
    : pool_(pool), store_(std::move(store)) {}

StoreLease::StoreLease(StoreLease&& other) noexcept
    : pool_(other.pool_), store_(std::move(other.store_)) {
  other.pool_ = nullptr;
}

StoreLease::~StoreLease() {
  if (pool_ != nullptr) pool_->Return(std::move(store_));
}

void StoreLease::Discard() { store_.reset(); }

StorePool::StorePool(store::StoreConfig config, int max_open)
    : config_(std::move(config)), max_open_(max_open) {}

Result<StoreLease> StorePool::Acquire(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  bool ready = cv_.wait_for(lock, wait, [this] { return !idle_.empty() || open_ < max_open_; });
  if (!ready) return Status::Unavailable("every store connection is busy");
  if (!idle_.empty()) {
    store::AccountStorePtr store = std::move(idle_.back());
    idle_.pop_back();
    return StoreLease(this, std::move(store));
  }
  ++open_;  // reserve the slot, open without holding the lock
  lock.unlock();
  auto opened = store::OpenAccountStore(config_);
  if (!opened.ok()) {
    std::cerr << "mqchat-api: cannot open the store: " << opened.status().message() << "\n";
    Return(nullptr);
    return Status::Unavailable("the store is unavailable");
  }
  return StoreLease(this, std::move(*opened));
}

void StorePool::Return(store::AccountStorePtr store) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (store) {
      idle_.push_back(std::move(store));
    } else {
      --open_;
    }
  }
  cv_.notify_one();
}

}  // namespace mqchat::api
