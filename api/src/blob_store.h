// BlobStore: where uploaded files live (avatars now, message attachments later), apart from the
// database rows that point at them. A blob is an opaque byte string under an id the store makes
// up (128 random bits, lower-case hex: not guessable, safe as a file or object name); metadata
// (content type, owner) lives with the row that references the id. The interface is what an
// object store (S3 and alikes: PUT/GET/DELETE by key) can implement as well as the local
// directory of local_blob_store.h. Implementations are thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "mqchat/status.h"

namespace mqchat::api {

class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Stores `data` under a new id and returns it. kInvalidArgument if `data` is larger than
  // max_bytes(); kUnavailable/kInternal if it cannot be written (nothing is left behind then).
  virtual Result<std::string> Put(std::string_view data) = 0;
  // The bytes stored under `id`. kNotFound for an unknown id or one that is not well-formed.
  virtual Result<std::string> Get(const std::string& id) const = 0;
  // Removes `id`; removing an unknown id is OK (deletes are retried and may race).
  virtual Status Delete(const std::string& id) = 0;

  // The largest blob Put accepts.
  virtual size_t max_bytes() const = 0;
};

using BlobStorePtr = std::unique_ptr<BlobStore>;

// Whether `id` has the shape of an id this module makes (32 lower-case hex digits). Anything
// else never reaches a file system or object store.
bool IsBlobId(std::string_view id);

// A fresh random id (RAND_bytes). kInternal if the random source fails.
Result<std::string> NewBlobId();

}  // namespace mqchat::api
