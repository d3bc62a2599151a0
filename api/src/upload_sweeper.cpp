#include "upload_sweeper.h"

#include <chrono>
#include <iostream>

#include "shard_upload_release.h"
#include "uploads.h"

namespace mqchat::api {

UploadSweeper::UploadSweeper(StorePool* stores, BlobStore* files, const UploadSpool* spool,
                             const AttachmentConfig& config, std::function<int64_t()> now_ms)
    : stores_(stores),
      files_(files),
      spool_(spool),
      ttl_ms_(config.unreferenced_ttl_s * 1000),
      interval_ms_(config.sweep_interval_ms),
      release_grace_ms_(config.release_grace_ms),
      now_ms_(std::move(now_ms)) {}

UploadSweeper::~UploadSweeper() { Stop(); }

void UploadSweeper::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void UploadSweeper::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void UploadSweeper::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stop_; })) {
    lock.unlock();
    auto purged = SweepOnce();
    if (!purged.ok()) {
      std::cerr << "mqchat-api: upload sweep: " << purged.status().message() << "\n";
    }
    lock.lock();
  }
}

Result<int> UploadSweeper::SweepOnce() {
  MQCHAT_ASSIGN_OR_RETURN(StoreLease store, stores_->Acquire());
  Status reconciled = Status::Ok();
  if (store.shard_count() > 0) {
    // A shard that cannot be asked holds back the releases (not the sweep of the rest).
    reconciled = ReleaseShardUploads(store, now_ms_(), release_grace_ms_).status();
    if (!reconciled.ok()) {
      std::cerr << "mqchat-api: upload release from the shards: " << reconciled.message() << "\n";
    }
  }
  const int64_t cutoff = now_ms_() - ttl_ms_;
  int purged = 0;
  for (;;) {
    auto batch = store.attachments().Unreferenced(cutoff, 100);
    if (!batch.ok()) {
      if (batch.status().code() == Code::kUnavailable) store.Discard();
      return batch.status();
    }
    int deleted = 0;
    for (const AttachmentRecord& r : *batch) {
      auto gone = store.attachments().DeleteUnreferenced(r.id);
      if (!gone.ok()) return gone.status();
      if (!*gone) continue;  // a message took it meanwhile
      ++deleted;
      DeleteBlobLogged(files_, r.blob_id);
      DeleteBlobLogged(files_, r.thumb_id);
      spool_->Remove(r.id);
    }
    purged += deleted;
    if (batch->size() < 100 || deleted == 0) {
      // Its shard connections may be broken: opened again on the next pass.
      if (reconciled.code() == Code::kUnavailable) store.Discard();
      return purged;
    }
  }
}

}  // namespace mqchat::api
