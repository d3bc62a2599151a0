// The API service as the attachment tests use it (docs/PROTOCOL.md, "Attachments"): started
// with a blob directory and a URL secret in `dir`, users signed up through it, files uploaded
// in one chunk. Test thread only.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/store_config.h"
#include "support/api_process.h"
#include "support/temp_dir.h"

namespace mqchat::test {

// An ApiProcess on `store` keeping blobs in `dir`, with `extra` options after those; started
// (null and a fatal test failure if it did not start).
std::unique_ptr<ApiProcess> StartAttachmentApi(
    const store::StoreConfig& store, const TempDir& dir,
    std::vector<std::pair<std::string, std::string>> extra = {});

// Signs `user` up (password "<user> password") and logs in: their API access token.
std::string JoinApi(ApiProcess& api, const std::string& user);

// Declares an upload of `size` bytes (sending none of them): its id.
std::string DeclareUpload(ApiProcess& api, const std::string& token, const std::string& name,
                          size_t size);

// Uploads `data` in one chunk and finishes it: the attachment's id.
std::string UploadFile(ApiProcess& api, const std::string& token, const std::string& name,
                       const std::string& data);

}  // namespace mqchat::test
