// Password hashing for stored credentials: PBKDF2-HMAC-SHA256 (pbkdf2_sha256.h) in a
// self-describing string. Stateless and thread-safe, but slow on purpose (tens of milliseconds
// per call at the default cost, several times that on a loaded machine):
// never call HashPassword/VerifyPassword on the broker thread for every CONNECT without a cache.
//
// Encoded format (one line, no whitespace, ASCII):
//   $pbkdf2-sha256$i=<iterations>$<salt>$<hash>
// where <iterations> is a decimal integer without sign or leading zeros (1..10,000,000),
// <salt> is the base64url (unpadded) salt, 8..64 bytes (16 for new hashes), and
// <hash> is the base64url (unpadded) 32-byte PBKDF2-HMAC-SHA256 output.
// Example ("correct horse battery staple", salt bytes 00..0f):
//   $pbkdf2-sha256$i=210000$AAECAwQFBgcICQoLDA0ODw$GEZcreCWwYW19gdliR_KP3RHfiP9m2_Ij694MakXU6w
#pragma once

#include <string>
#include <string_view>

#include "mqchat/status.h"

namespace mqchat::auth {

// Cost used for new hashes (OWASP 2023 recommendation for PBKDF2-HMAC-SHA256).
constexpr int kDefaultPbkdf2Iterations = 210000;
// HashPassword refuses anything cheaper.
constexpr int kMinPbkdf2Iterations = 210000;
// VerifyPassword refuses anything more expensive, so a planted hash cannot burn the CPU.
constexpr int kMaxPbkdf2Iterations = 10000000;
constexpr int kPbkdf2SaltBytes = 16;
constexpr int kPbkdf2KeyBytes = 32;

// Returns a new encoded hash of `password` with a fresh random salt (RAND_bytes), so two calls
// with the same password give different strings. Fails with kInvalidArgument if `password` is
// empty or `iterations` is outside [kMinPbkdf2Iterations, kMaxPbkdf2Iterations], and with
// kInternal if OpenSSL fails.
Result<std::string> HashPassword(std::string_view password,
                                 int iterations = kDefaultPbkdf2Iterations);

// Returns a well-formed hash with `iterations`, a random salt and a random key, which no password
// matches (short of guessing 256 random bits): what a login for an unknown user is checked
// against, so it costs exactly what a known user's does. Same failures as HashPassword.
Result<std::string> MakeDummyHash(int iterations = kDefaultPbkdf2Iterations);

// Returns true if `password` matches `encoded`, false if it does not (an empty password never
// matches). Accepts any iteration count in 1..kMaxPbkdf2Iterations so older hashes still verify.
// Fails with kInvalidArgument if `encoded` is malformed or uses an unsupported scheme.
// The final comparison is constant-time.
Result<bool> VerifyPassword(std::string_view password, std::string_view encoded);

// True if `encoded` should be replaced by a fresh HashPassword() result after a successful login:
// it is malformed, unsupported, cheaper than `iterations`, or has a salt shorter than 16 bytes.
bool NeedsRehash(std::string_view encoded, int iterations = kDefaultPbkdf2Iterations);

}  // namespace mqchat::auth
