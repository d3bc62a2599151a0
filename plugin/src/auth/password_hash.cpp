#include "auth/password_hash.h"

#include <cstdint>
#include <string>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "auth/base64url.h"
#include "auth/pbkdf2_sha256.h"

namespace mqchat::auth {
namespace {

constexpr std::string_view kScheme = "$pbkdf2-sha256$";
constexpr std::string_view kIterationsPrefix = "i=";
constexpr size_t kMinSaltBytes = 8;
constexpr size_t kMaxSaltBytes = 64;
// Longest well-formed string is far below this; anything longer is rejected before decoding.
constexpr size_t kMaxEncodedLength = 256;

struct ParsedHash {
  int iterations = 0;
  std::string salt;
  std::string key;
};

Status Malformed(std::string_view what) {
  return Status::InvalidArgument("malformed password hash: " + std::string(what));
}

// Strict decimal: 1-8 digits, no sign, no leading zero, value in [1, kMaxPbkdf2Iterations].
Result<int> ParseIterations(std::string_view text) {
  if (text.empty() || text.size() > 8) return Malformed("bad iteration count");
  if (text[0] == '0') return Malformed("bad iteration count");
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return Malformed("bad iteration count");
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > kMaxPbkdf2Iterations) {
    return Malformed("iteration count out of range");
  }
  return static_cast<int>(value);
}

Result<ParsedHash> Parse(std::string_view encoded) {
  if (encoded.size() > kMaxEncodedLength) return Malformed("too long");
  if (encoded.substr(0, kScheme.size()) != kScheme) {
    return Status::InvalidArgument("unsupported password hash scheme");
  }
  std::string_view rest = encoded.substr(kScheme.size());
  // Exactly three '$'-separated fields must follow the scheme.
  size_t first = rest.find('$');
  if (first == std::string_view::npos) return Malformed("missing fields");
  size_t second = rest.find('$', first + 1);
  if (second == std::string_view::npos) return Malformed("missing fields");
  if (rest.find('$', second + 1) != std::string_view::npos) return Malformed("too many fields");
  std::string_view iter_field = rest.substr(0, first);
  std::string_view salt_field = rest.substr(first + 1, second - first - 1);
  std::string_view key_field = rest.substr(second + 1);

  if (iter_field.substr(0, kIterationsPrefix.size()) != kIterationsPrefix) {
    return Malformed("missing i=");
  }
  ParsedHash parsed;
  MQCHAT_ASSIGN_OR_RETURN(parsed.iterations,
                          ParseIterations(iter_field.substr(kIterationsPrefix.size())));
  Result<std::string> salt = Base64UrlDecode(salt_field);
  if (!salt.ok()) return Malformed("bad salt encoding");
  if (salt->size() < kMinSaltBytes || salt->size() > kMaxSaltBytes) {
    return Malformed("bad salt length");
  }
  Result<std::string> key = Base64UrlDecode(key_field);
  if (!key.ok()) return Malformed("bad hash encoding");
  if (key->size() != static_cast<size_t>(kPbkdf2KeyBytes)) return Malformed("bad hash length");
  parsed.salt = std::move(salt).value();
  parsed.key = std::move(key).value();
  return parsed;
}

Result<std::string> DeriveKey(std::string_view password, std::string_view salt, int iterations) {
  std::string key(kPbkdf2KeyBytes, '\0');
  if (!Pbkdf2HmacSha256(password, salt, iterations, reinterpret_cast<unsigned char*>(key.data()),
                        key.size())) {
    return Status::Internal("pbkdf2 refused its arguments");
  }
  return key;
}

Status CheckIterations(int iterations) {
  if (iterations < kMinPbkdf2Iterations || iterations > kMaxPbkdf2Iterations) {
    return Status::InvalidArgument("pbkdf2 iterations must be in [" +
                                   std::to_string(kMinPbkdf2Iterations) + ", " +
                                   std::to_string(kMaxPbkdf2Iterations) + "]");
  }
  return Status::Ok();
}

Result<std::string> RandomBytes(int n) {
  std::string out(static_cast<size_t>(n), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), n) != 1) {
    ERR_clear_error();
    return Status::Internal("RAND_bytes failed");
  }
  return out;
}

std::string Encode(int iterations, const std::string& salt, const std::string& key) {
  std::string encoded(kScheme);
  encoded += kIterationsPrefix;
  encoded += std::to_string(iterations);
  encoded += '$';
  encoded += Base64UrlEncode(salt);
  encoded += '$';
  encoded += Base64UrlEncode(key);
  return encoded;
}

}  // namespace

Result<std::string> HashPassword(std::string_view password, int iterations) {
  if (password.empty()) return Status::InvalidArgument("password must not be empty");
  MQCHAT_RETURN_IF_ERROR(CheckIterations(iterations));
  MQCHAT_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kPbkdf2SaltBytes));
  MQCHAT_ASSIGN_OR_RETURN(std::string key, DeriveKey(password, salt, iterations));
  std::string encoded = Encode(iterations, salt, key);
  OPENSSL_cleanse(key.data(), key.size());
  return encoded;
}

Result<std::string> MakeDummyHash(int iterations) {
  MQCHAT_RETURN_IF_ERROR(CheckIterations(iterations));
  MQCHAT_ASSIGN_OR_RETURN(std::string salt, RandomBytes(kPbkdf2SaltBytes));
  MQCHAT_ASSIGN_OR_RETURN(std::string key, RandomBytes(kPbkdf2KeyBytes));
  return Encode(iterations, salt, key);
}

Result<bool> VerifyPassword(std::string_view password, std::string_view encoded) {
  MQCHAT_ASSIGN_OR_RETURN(ParsedHash parsed, Parse(encoded));
  // HashPassword never accepts an empty password, so no stored hash can legitimately match one.
  if (password.empty()) return false;
  MQCHAT_ASSIGN_OR_RETURN(std::string key, DeriveKey(password, parsed.salt, parsed.iterations));
  const bool match = CRYPTO_memcmp(key.data(), parsed.key.data(), key.size()) == 0;
  OPENSSL_cleanse(key.data(), key.size());
  return match;
}

bool NeedsRehash(std::string_view encoded, int iterations) {
  Result<ParsedHash> parsed = Parse(encoded);
  if (!parsed.ok()) return true;
  return parsed->iterations < iterations ||
         parsed->salt.size() < static_cast<size_t>(kPbkdf2SaltBytes);
}

}  // namespace mqchat::auth
