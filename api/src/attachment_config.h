// AttachmentConfig: the options of attachments in mqchat-api (uploads.h), parsed by
// ApplyAttachmentOption for config.cpp so the list of keys lives next to their meaning.
// Pure parsing; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "mqchat/status.h"

namespace mqchat::api {

struct AttachmentConfig {
  // `max_attachment_bytes`, 1024..1073741824: the largest file; a larger declared size (or a
  // chunk beyond the declared size) is refused with 413 before its bytes are read.
  int64_t max_attachment_bytes = 25 * 1024 * 1024;
  // `upload_chunk_bytes`, 65536..16777216: the largest chunk one PUT may carry (the HTTP layer
  // refuses a larger Content-Length before reading the body).
  int64_t chunk_bytes = 4 * 1024 * 1024;
  int uploads_per_user = 20;  // `uploads_per_user`, 1..1000: unfinished uploads one user may hold
  // `upload_min_free_bytes`, 0..: an upload is refused (503) unless the spool's file system
  // keeps this much free beside its declared size.
  int64_t min_free_bytes = 256 * 1024 * 1024;
  int64_t url_ttl_s = 300;  // `attachment_url_ttl_s`, 10..86400: how long a signed URL works
  // `attachment_url_secret_file`: the HMAC key of download URLs (any bytes, 32 or more); every
  // API process behind one address must share it. None: a random key per process (URLs then
  // work only on the process that signed them; fine for one process).
  std::string url_secret_file;
  int64_t unreferenced_ttl_s = 86400;  // `upload_ttl_s`, 60..: age at which unsent uploads go
  int64_t sweep_interval_ms = 60000;   // `upload_sweep_ms`, 100..3600000
  // `upload_release_grace_ms`, 0..86400000: with --pg_shards, how long after its last send an
  // upload a shard released may be unmarked in the global database (shard_upload_release.h).
  int64_t release_grace_ms = 600000;
};

// Applies `key` if it is an attachment option: nullopt if it is not one, else the result
// (kInvalidArgument naming the key for a bad value).
std::optional<Status> ApplyAttachmentOption(const std::string& key, const std::string& value,
                                            AttachmentConfig* config);

}  // namespace mqchat::api
