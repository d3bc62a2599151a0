#include "attachment_service.h"

#include <fstream>
#include <iostream>
#include <iterator>

#include "local_blob_store.h"
#include "protocol/attachment_api.h"

namespace mqchat::api {
namespace {
namespace http = protocol::http;

Result<std::string> ReadSecret(const std::string& path) {
  if (path.empty()) {
    std::cerr << "mqchat-api: no attachment_url_secret_file: download links are signed with a "
                 "key of this process only\n";
    return std::string();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read " + path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

Result<AttachmentParts> AttachmentService::Prepare(const ApiConfig& config) {
  AttachmentParts parts;
  MQCHAT_ASSIGN_OR_RETURN(std::string secret, ReadSecret(config.attachments.url_secret_file));
  MQCHAT_ASSIGN_OR_RETURN(UrlSigner signer, UrlSigner::Create(std::move(secret)));
  parts.signer = std::make_unique<UrlSigner>(std::move(signer));
  if (config.blob_dir.empty()) {
    std::cerr << "mqchat-api: no blob_dir: attachments are refused\n";
    return parts;
  }
  MQCHAT_ASSIGN_OR_RETURN(
      parts.files, LocalBlobStore::Open(config.blob_dir + "/files",
                                        static_cast<size_t>(config.attachments.max_attachment_bytes)));
  MQCHAT_ASSIGN_OR_RETURN(UploadSpool spool, UploadSpool::Open(config.blob_dir + "/uploads"));
  parts.spool = std::make_unique<UploadSpool>(std::move(spool));
  return parts;
}

AttachmentService::AttachmentService(AttachmentParts parts, const AttachmentConfig& config,
                                     StorePool* stores, const BearerAuth* auth,
                                     std::function<int64_t()> now_ms)
    : parts_(std::move(parts)),
      handlers_(stores, auth, parts_.files.get(), parts_.spool.get(), parts_.signer.get(),
                config, now_ms) {
  if (parts_.files && parts_.spool) {
    sweeper_ = std::make_unique<UploadSweeper>(stores, parts_.files.get(), parts_.spool.get(),
                                               config, std::move(now_ms));
    sweeper_->Start();
  }
}

void AttachmentService::AddRoutes(Router* router) {
  auto* h = &handlers_;
  router->Add("POST", std::string(http::kPathUploads),
              [h](const ApiRequest& r) { return h->Create(r); });
  router->Add("PUT", std::string(http::kPathUpload),
              [h](const ApiRequest& r) { return h->PutChunk(r); });
  router->Add("GET", std::string(http::kPathUpload),
              [h](const ApiRequest& r) { return h->GetUpload(r); });
  router->Add("POST", std::string(http::kPathUploadFinish),
              [h](const ApiRequest& r) { return h->Finish(r); });
  router->Add("GET", std::string(http::kPathAttachment),
              [h](const ApiRequest& r) { return h->Describe(r); });
  router->Add("GET", std::string(http::kPathFile),
              [h](const ApiRequest& r) { return h->Download(r); });
}

bool AttachmentService::TakesLargeBody(const ApiRequest& request) {
  const std::string_view prefix = "/v1/uploads/";
  return request.method == "PUT" && request.path.rfind(prefix, 0) == 0 &&
         request.path.find('/', prefix.size()) == std::string::npos;
}

}  // namespace mqchat::api
