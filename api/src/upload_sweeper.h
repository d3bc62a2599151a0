// UploadSweeper: purges uploads no message carries once they are older than upload_ttl_s (a
// day by default), finished or not: every upload_sweep_ms its thread leases a store, lists up to
// 100 such rows at a time, deletes each row unless a broker referenced it meanwhile
// (AttachmentStore::DeleteUnreferenced: the row is what orders the two), and then its blobs
// and spool file. Blob deletes that fail leave an orphan file, never a row without its file.
// With --pg_shards each pass first reconciles the global rows with the shards' releases
// (shard_upload_release.h).
// Start/Stop from one thread; the sweep runs on its own.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include "attachment_config.h"
#include "blob_store.h"
#include "store_pool.h"
#include "upload_spool.h"

namespace mqchat::api {

class UploadSweeper {
 public:
  UploadSweeper(StorePool* stores, BlobStore* files, const UploadSpool* spool,
                const AttachmentConfig& config, std::function<int64_t()> now_ms);
  ~UploadSweeper();  // Stop()
  UploadSweeper(const UploadSweeper&) = delete;
  UploadSweeper& operator=(const UploadSweeper&) = delete;

  void Start();
  void Stop();
  // One pass: the number of uploads purged. Exposed for tests.
  Result<int> SweepOnce();

 private:
  void Run();

  StorePool* stores_;
  BlobStore* files_;
  const UploadSpool* spool_;
  const int64_t ttl_ms_;
  const int64_t interval_ms_;
  const int64_t release_grace_ms_;
  std::function<int64_t()> now_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace mqchat::api
