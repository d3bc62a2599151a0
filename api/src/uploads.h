// UploadHandlers: attachments over HTTP (protocol/attachment_api.h; docs/openapi.yaml
// "Attachments"). An upload is declared (POST /v1/uploads: name, size, claimed type), filled
// by chunks in order (PUT /v1/uploads/{id}?offset=N; a chunk may be sent again from any offset
// up to what was received, so a client that lost its connection asks GET /v1/uploads/{id} and
// goes on), and finished (POST /v1/uploads/{id}/finish): the type is then told by the content
// (file_type.h; a claim the content does not match is 415 and the upload is dropped), pictures
// get their dimensions and a thumbnail (thumbnailer.h), and the bytes move from the spool into
// the BlobStore. Size: a declared size over max_attachment_bytes, or a chunk past the declared
// size, is 413 before anything is written; a chunk over upload_chunk_bytes is refused by the
// HTTP layer from its Content-Length; a new upload needs the declared size plus
// upload_min_free_bytes free on the spool's file system; a user holds at most uploads_per_user
// unfinished uploads. Downloads: GET /v1/attachments/{id} (bearer) gives the metadata and URLs
// signed for the caller (url_signer.h) if the caller may read it (attachment_store.h:
// CanRead); GET /v1/files/{id}?... serves the bytes to whoever holds an unexpired, untampered
// URL whose user may still read it. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "attachment_config.h"
#include "attachment_store.h"
#include "bearer_auth.h"
#include "blob_store.h"
#include "http_types.h"
#include "store_pool.h"
#include "upload_spool.h"
#include "url_signer.h"

namespace mqchat::api {

class UploadHandlers {
 public:
  // `files` and `spool` may be null (no blob_dir): every endpoint then answers 503.
  UploadHandlers(StorePool* stores, const BearerAuth* auth, BlobStore* files,
                 const UploadSpool* spool, const UrlSigner* signer, AttachmentConfig config,
                 std::function<int64_t()> now_ms)
      : stores_(stores),
        auth_(auth),
        files_(files),
        spool_(spool),
        signer_(signer),
        config_(std::move(config)),
        now_ms_(std::move(now_ms)) {}

  ApiResponse Create(const ApiRequest& request);
  ApiResponse PutChunk(const ApiRequest& request);
  ApiResponse GetUpload(const ApiRequest& request);
  ApiResponse Finish(const ApiRequest& request);
  ApiResponse Describe(const ApiRequest& request);
  ApiResponse Download(const ApiRequest& request);

 private:
  using Body = std::function<ApiResponse(StoreLease& store, const std::string& caller)>;
  // Authenticates (and answers 503 without a blob store) before `body`.
  ApiResponse WithCaller(const ApiRequest& request, const Body& body);
  // The caller's own upload path_params[0], or the 404 to answer.
  std::variant<AttachmentRecord, ApiResponse> OwnUpload(StoreLease& store,
                                                        const std::string& caller,
                                                        const ApiRequest& request);
  ApiResponse FinishUpload(StoreLease& store, AttachmentRecord record);
  nlohmann::json AttachmentJson(const AttachmentRecord& record, const std::string& reader) const;

  StorePool* stores_;
  const BearerAuth* auth_;
  BlobStore* files_;
  const UploadSpool* spool_;
  const UrlSigner* signer_;
  const AttachmentConfig config_;
  std::function<int64_t()> now_ms_;
};

// Deletes blob `id` ("" none) of `files`; a failure is logged (an orphan file, never a row
// without its file).
void DeleteBlobLogged(BlobStore* files, const std::string& id);

// {"id","size","received","finished"}: an upload's progress.
nlohmann::json UploadJson(const AttachmentRecord& record);

}  // namespace mqchat::api
