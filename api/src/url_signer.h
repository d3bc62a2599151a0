// UrlSigner: the signed download URLs of attachments. A URL names the attachment, the variant
// (original or thumbnail), the user it was made for and when it expires (Unix seconds), and
// carries HMAC-SHA256 of those four under the server's secret (attachment_url_secret_file),
// so nobody without the secret can make or alter one, and none works after it expires. The
// user it names must still be able to read the attachment when it is used (uploads.h checks).
// Immutable after construction; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "mqchat/status.h"

namespace mqchat::api {

struct SignedFile {
  std::string id;
  std::string variant;
  std::string user;
  int64_t expires_s = 0;
};

class UrlSigner {
 public:
  // `secret`: at least 32 bytes (kInvalidArgument otherwise). Empty: 32 random bytes.
  static Result<UrlSigner> Create(std::string secret);

  // The path and query of the URL: /v1/files/{id}?variant=..&user=..&expires=..&sig=..
  std::string Sign(const SignedFile& file) const;
  // Whether `sig` (hex) is the signature of `file`, in constant time. Does not look at time.
  bool Verify(const SignedFile& file, const std::string& sig) const;

 private:
  explicit UrlSigner(std::string secret) : secret_(std::move(secret)) {}
  std::string Mac(const SignedFile& file) const;
  std::string secret_;
};

}  // namespace mqchat::api
