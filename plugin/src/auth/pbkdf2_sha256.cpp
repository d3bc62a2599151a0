// OpenSSL 3 declares the SHA256_* functions deprecated in favour of EVP, whose per-iteration
// context copies are the cost this file removes; they are still in every OpenSSL 3 build not
// configured with no-deprecated (Debian's and the other distributions' are not). This must
// come before any OpenSSL header.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "auth/pbkdf2_sha256.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include <openssl/crypto.h>
#include <openssl/sha.h>

namespace mqchat::auth {
namespace {

constexpr size_t kBlockBytes = SHA256_CBLOCK;          // 64
constexpr size_t kDigestBytes = SHA256_DIGEST_LENGTH;  // 32

// The HMAC key's two SHA-256 states, each after its one block of key ^ ipad / key ^ opad.
struct KeyStates {
  SHA256_CTX inner;
  SHA256_CTX outer;
};

void MakeKeyStates(std::string_view password, KeyStates* states) {
  unsigned char key[kBlockBytes] = {};
  if (password.size() > kBlockBytes) {
    SHA256(reinterpret_cast<const unsigned char*>(password.data()), password.size(), key);
  } else if (!password.empty()) {
    std::memcpy(key, password.data(), password.size());
  }
  unsigned char pad[kBlockBytes];
  for (size_t i = 0; i < kBlockBytes; ++i) pad[i] = key[i] ^ 0x36;
  SHA256_Init(&states->inner);
  SHA256_Update(&states->inner, pad, kBlockBytes);
  for (size_t i = 0; i < kBlockBytes; ++i) pad[i] = key[i] ^ 0x5c;
  SHA256_Init(&states->outer);
  SHA256_Update(&states->outer, pad, kBlockBytes);
  OPENSSL_cleanse(key, sizeof key);
  OPENSSL_cleanse(pad, sizeof pad);
}

// The digest of a finished compression: the state words, big-endian.
void StoreDigest(const SHA256_CTX& ctx, unsigned char* out) {
  for (int i = 0; i < 8; ++i) {
    out[4 * i] = static_cast<unsigned char>(ctx.h[i] >> 24);
    out[4 * i + 1] = static_cast<unsigned char>(ctx.h[i] >> 16);
    out[4 * i + 2] = static_cast<unsigned char>(ctx.h[i] >> 8);
    out[4 * i + 3] = static_cast<unsigned char>(ctx.h[i]);
  }
}

// T_index = U_1 ^ ... ^ U_iterations of RFC 8018, into `t` (32 bytes).
void DeriveBlock(const KeyStates& key, std::string_view salt, uint32_t index, int iterations,
                 unsigned char* t) {
  // U_1 = HMAC(P, S || INT(index)): any salt length, so through SHA256_Update/Final.
  const unsigned char be_index[4] = {
      static_cast<unsigned char>(index >> 24), static_cast<unsigned char>(index >> 16),
      static_cast<unsigned char>(index >> 8), static_cast<unsigned char>(index)};
  unsigned char u[kDigestBytes];
  SHA256_CTX ctx = key.inner;
  SHA256_Update(&ctx, salt.data(), salt.size());
  SHA256_Update(&ctx, be_index, sizeof be_index);
  SHA256_Final(u, &ctx);
  ctx = key.outer;
  SHA256_Update(&ctx, u, kDigestBytes);
  SHA256_Final(u, &ctx);
  std::memcpy(t, u, kDigestBytes);

  // U_j = HMAC(P, U_{j-1}): both hashes read a 32-byte message after the 64-byte key block, so
  // each is one final block: the message, 0x80, zeros, and the bit length (64 + 32) * 8 = 768
  // as a big-endian 64-bit number. Only the message part changes between compressions.
  unsigned char block[kBlockBytes] = {};
  block[kDigestBytes] = 0x80;
  block[kBlockBytes - 2] = 0x03;  // 768 = 0x0300
  std::memcpy(block, u, kDigestBytes);
  for (int j = 1; j < iterations; ++j) {
    std::memcpy(ctx.h, key.inner.h, sizeof ctx.h);
    SHA256_Transform(&ctx, block);
    StoreDigest(ctx, block);  // the inner digest is the outer hash's message
    std::memcpy(ctx.h, key.outer.h, sizeof ctx.h);
    SHA256_Transform(&ctx, block);
    StoreDigest(ctx, block);  // U_j, and the next inner hash's message
    for (size_t i = 0; i < kDigestBytes; ++i) t[i] ^= block[i];
  }
  OPENSSL_cleanse(u, sizeof u);
  OPENSSL_cleanse(block, sizeof block);
  OPENSSL_cleanse(&ctx, sizeof ctx);
}

}  // namespace

bool Pbkdf2HmacSha256(std::string_view password, std::string_view salt, int iterations,
                      unsigned char* out, size_t out_len) {
  if (iterations < 1 || out_len == 0 || out_len > kMaxPbkdf2OutputBytes) return false;
  KeyStates key;
  MakeKeyStates(password, &key);
  unsigned char t[kDigestBytes];
  for (uint32_t index = 1; out_len > 0; ++index) {
    DeriveBlock(key, salt, index, iterations, t);
    const size_t n = std::min(out_len, kDigestBytes);
    std::memcpy(out, t, n);
    out += n;
    out_len -= n;
  }
  OPENSSL_cleanse(t, sizeof t);
  OPENSSL_cleanse(&key, sizeof key);
  return true;
}

}  // namespace mqchat::auth
