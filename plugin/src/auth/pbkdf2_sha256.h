// Pbkdf2HmacSha256: PBKDF2 (RFC 8018 section 5.2) with HMAC-SHA256, the key derivation behind
// stored passwords (password_hash.h), in the API service's hash pool and the plugin alike.
// Same output as OpenSSL's PKCS5_PBKDF2_HMAC(..., EVP_sha256(), ...), at a third to a quarter of
// its cost (docs/BENCHMARKS.md): OpenSSL 3 copies an HMAC context (heap allocations and
// provider calls) on every iteration, while here the HMAC key's inner and outer SHA-256 states
// are computed once per derivation and each iteration is two SHA-256 block compressions
// (OpenSSL's, with SHA-NI or AVX2 where the CPU has them) on a state copied by value.
// bench: mqchat-api-bench pbkdf2. Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

namespace mqchat::auth {

// Largest output this accepts (far above the 32 bytes a password hash needs).
constexpr size_t kMaxPbkdf2OutputBytes = 1024;

// Writes `out_len` bytes of PBKDF2-HMAC-SHA256(password, salt, iterations) to `out`. Any
// password and salt (binary-safe; a password longer than 64 bytes is hashed first, as HMAC
// says). False, writing nothing, if `iterations` < 1 or `out_len` is 0 or above
// kMaxPbkdf2OutputBytes.
bool Pbkdf2HmacSha256(std::string_view password, std::string_view salt, int iterations,
                      unsigned char* out, size_t out_len);

}  // namespace mqchat::auth
