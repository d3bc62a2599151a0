// UploadSpool: the bytes of unfinished uploads, one file per upload in a local directory
// (<blob_dir>/uploads/<id>.part, mode 0600), written chunk by chunk at the chunk's offset, so
// a client that lost its connection continues where the service got to. Finishing moves the
// bytes into the BlobStore and removes the file. The spool never holds more than an upload's
// declared size (uploads.h checks each chunk before writing it), and FreeBytes lets the
// service refuse a new upload the file system has no room for. Thread-safe (one file per id;
// the handlers serialise chunks of one upload through the store row).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mqchat/status.h"

namespace mqchat::api {

class UploadSpool {
 public:
  // Creates `dir` (mode 0700) if needed; kUnavailable if it cannot be made or written.
  static Result<UploadSpool> Open(const std::string& dir);

  // Writes `data` at `offset` of upload `id`'s file (made if absent). kNotFound for an id of
  // the wrong shape.
  Status Write(const std::string& id, int64_t offset, std::string_view data) const;
  // The first `size` bytes of `id`'s file; kNotFound if it is shorter or absent.
  Result<std::string> Read(const std::string& id, int64_t size) const;
  // Removes `id`'s file; an absent file is fine.
  void Remove(const std::string& id) const;
  // Bytes free for an unprivileged writer on the spool's file system (statvfs); -1 unknown.
  int64_t FreeBytes() const;

 private:
  explicit UploadSpool(std::string dir) : dir_(std::move(dir)) {}
  std::string PathOf(const std::string& id) const { return dir_ + "/" + id + ".part"; }
  std::string dir_;
};

}  // namespace mqchat::api
