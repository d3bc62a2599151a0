// LocalBlobStore: the BlobStore in a local directory (the default; `blob_dir`). Each blob is one
// file, <dir>/<first two hex digits>/<id>, mode 0600 in directories of mode 0700, written to a
// temporary file, fsynced and renamed into place, so a reader never sees half a blob and a crash
// leaves at most a stray temporary. Several mqchat-api processes may share the directory (a
// network file system): ids never collide and files are never rewritten. Thread-safe.
#pragma once

#include <string>

#include "blob_store.h"

namespace mqchat::api {

class LocalBlobStore : public BlobStore {
 public:
  // Creates `dir` (mode 0700, parents too) if needed. kInvalidArgument if `dir` is empty or
  // `max_bytes` is 0; kUnavailable if the directory cannot be made or is not writable.
  static Result<BlobStorePtr> Open(const std::string& dir, size_t max_bytes);

  Result<std::string> Put(std::string_view data) override;
  Result<std::string> Get(const std::string& id) const override;
  Status Delete(const std::string& id) override;
  size_t max_bytes() const override { return max_bytes_; }

 private:
  LocalBlobStore(std::string dir, size_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {}
  std::string PathOf(const std::string& id) const;

  const std::string dir_;
  const size_t max_bytes_;
};

}  // namespace mqchat::api
