#include "store_pool.h"

#include <iostream>
#include <utility>

#include "store/community_store_factory.h"
#include "store/pg/pg_handles.h"
#include "store/pg/pg_migrator.h"
#include "store/store_factory.h"

namespace mqchat::api {

StoreLease::StoreLease(StorePool* pool, StoreSet stores)
    : pool_(pool), stores_(std::move(stores)) {}

StoreLease::StoreLease(StoreLease&& other) noexcept
    : pool_(other.pool_), stores_(std::move(other.stores_)) {
  other.pool_ = nullptr;
}

StoreLease::~StoreLease() {
  if (pool_ != nullptr) pool_->Return(std::move(stores_));
}

void StoreLease::Discard() { stores_ = StoreSet{}; }

Result<store::CommunityStore*> StoreLease::communities() {
  if (!stores_.communities) {
    auto opened = store::OpenCommunityStore(pool_->config_);
    if (!opened.ok()) {
      std::cerr << "mqchat-api: cannot open the community store: " << opened.status().message()
                << "\n";
      return Status::Unavailable("the store is unavailable");
    }
    stores_.communities = std::move(*opened);
  }
  return stores_.communities.get();
}

size_t StoreLease::shard_count() const { return pool_->config_.pg_shards.size(); }

Result<AttachmentStore*> StoreLease::shard_attachments(size_t i) {
  if (i >= shard_count()) return Status::InvalidArgument("no shard " + std::to_string(i));
  stores_.shard_attachments.resize(shard_count());
  AttachmentStorePtr& slot = stores_.shard_attachments[i];
  if (slot == nullptr) {
    // The brokers migrate a shard on first use; one none has used yet is migrated here.
    const std::string& conninfo = pool_->config_.pg_shards[i].conninfo;
    auto conn = store::ConnectPg(conninfo);
    Status migrated = conn.ok() ? store::MigratePg(conn->get()) : conn.status();
    auto opened =
        migrated.ok() ? OpenPgAttachmentStore(conninfo) : Result<AttachmentStorePtr>(migrated);
    if (!opened.ok()) {
      std::cerr << "mqchat-api: cannot open shard " << i << ": " << opened.status().message()
                << "\n";
      return Status::Unavailable("shard " + std::to_string(i) + " is unavailable");
    }
    slot = std::move(*opened);
  }
  return slot.get();
}

StorePool::StorePool(store::StoreConfig config, int max_open)
    : config_(std::move(config)), max_open_(max_open) {}

Result<StoreLease> StorePool::Acquire(std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  bool ready = cv_.wait_for(lock, wait, [this] { return !idle_.empty() || open_ < max_open_; });
  if (!ready) return Status::Unavailable("every store connection is busy");
  if (!idle_.empty()) {
    StoreSet stores = std::move(idle_.back());
    idle_.pop_back();
    return StoreLease(this, std::move(stores));
  }
  ++open_;  // reserve the slot, open without holding the lock
  lock.unlock();
  StoreSet stores;
  Status status = Status::Ok();
  // The account store first: opening it applies the migrations the session store needs.
  auto accounts = store::OpenAccountStore(config_);
  if (accounts.ok()) {
    stores.accounts = std::move(*accounts);
    auto sessions = OpenSessionStore(config_);
    auto profiles = OpenProfileStore(config_);
    auto attachments = OpenAttachmentStore(config_);
    if (sessions.ok() && profiles.ok() && attachments.ok()) {
      stores.sessions = std::move(*sessions);
      stores.profiles = std::move(*profiles);
      stores.attachments = std::move(*attachments);
    } else {
      status = !sessions.ok() ? sessions.status()
               : !profiles.ok() ? profiles.status()
                                : attachments.status();
    }
  } else {
    status = accounts.status();
  }
  if (!status.ok()) {
    std::cerr << "mqchat-api: cannot open the store: " << status.message() << "\n";
    Return(StoreSet{});
    return Status::Unavailable("the store is unavailable");
  }
  return StoreLease(this, std::move(stores));
}

void StorePool::Return(StoreSet stores) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stores.accounts && stores.sessions && stores.profiles && stores.attachments) {
      idle_.push_back(std::move(stores));
    } else {
      --open_;
    }
  }
  cv_.notify_one();
}

}  // namespace mqchat::api
