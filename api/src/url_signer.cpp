#include "url_signer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "protocol/attachment_api.h"

namespace mqchat::api {
namespace {
namespace http = protocol::http;
namespace field = protocol::http::field;

std::string Hex(const unsigned char* bytes, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 15]);
  }
  return out;
}

}  // namespace

Result<UrlSigner> UrlSigner::Create(std::string secret) {
  if (secret.empty()) {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) return Status::Internal("RAND_bytes failed");
    secret.assign(reinterpret_cast<const char*>(bytes), sizeof(bytes));
  }
  if (secret.size() < 32) {
    return Status::InvalidArgument("the attachment URL secret must have at least 32 bytes");
  }
  return UrlSigner(std::move(secret));
}

std::string UrlSigner::Mac(const SignedFile& f) const {
  // Fields separated by a byte none of them may hold (ids are hex, users [A-Za-z0-9_.-]).
  const std::string message =
      f.id + '\n' + f.variant + '\n' + f.user + '\n' + std::to_string(f.expires_s);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret_.data(), static_cast<int>(secret_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_len);
  return Hex(mac, mac_len);
}

std::string UrlSigner::Sign(const SignedFile& f) const {
  return std::string(http::kPathFilesPrefix) + f.id + "?" + std::string(field::kVariant) + "=" +
         f.variant + "&" + std::string(field::kUser) + "=" + f.user + "&" +
         std::string(field::kExpires) + "=" + std::to_string(f.expires_s) + "&" +
         std::string(field::kSig) + "=" + Mac(f);
}

bool UrlSigner::Verify(const SignedFile& f, const std::string& sig) const {
  const std::string expected = Mac(f);
  return sig.size() == expected.size() &&
         CRYPTO_memcmp(sig.data(), expected.data(), expected.size()) == 0;
}

}  // namespace mqchat::api
