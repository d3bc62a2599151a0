// AttachmentService: the attachment part of mqchat-api, composed once at start: the blob store
// of attachment files (<blob_dir>/files, files up to max_attachment_bytes), the upload spool
// (<blob_dir>/uploads), the URL signer, the handlers (uploads.h) and the sweep of unsent
// uploads (upload_sweeper.h, started here, stopped by the destructor). Without a blob_dir
// every attachment endpoint answers 503. ApiService owns one and routes to it.
#pragma once

#include <functional>
#include <memory>

#include "blob_store.h"
#include "config.h"
#include "router.h"
#include "upload_spool.h"
#include "upload_sweeper.h"
#include "uploads.h"
#include "url_signer.h"

namespace mqchat::api {

// What can fail at start (files, directories, the secret), made before the service.
struct AttachmentParts {
  BlobStorePtr files;                   // null: no blob_dir
  std::unique_ptr<UploadSpool> spool;   // null: no blob_dir
  std::unique_ptr<UrlSigner> signer;
};

class AttachmentService {
 public:
  static Result<AttachmentParts> Prepare(const ApiConfig& config);

  AttachmentService(AttachmentParts parts, const AttachmentConfig& config, StorePool* stores,
                    const BearerAuth* auth, std::function<int64_t()> now_ms);

  void AddRoutes(Router* router);
  // Whether `request` is one that may carry a body over max_body_bytes (an upload chunk).
  static bool TakesLargeBody(const ApiRequest& request);

 private:
  AttachmentParts parts_;
  UploadHandlers handlers_;
  std::unique_ptr<UploadSweeper> sweeper_;
};

}  // namespace mqchat::api
