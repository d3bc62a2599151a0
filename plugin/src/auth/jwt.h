// JWT (RFC 7519) verification for MQTT CONNECT, plus signing for mqchatctl dev tokens and tests.
// JwtVerifier is immutable after Create(): Verify() is const and thread-safe, and copies are cheap
// (they share the parsed key). Sign* are stateless and thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "mqchat/status.h"

namespace mqchat::auth {

// Tokens longer than this are rejected before any decoding.
constexpr size_t kMaxJwtLength = 8 * 1024;
// HS256 secrets shorter than this (RFC 7518 section 3.2: at least the hash size) are refused.
constexpr size_t kMinHs256SecretBytes = 32;

// Either or both may be set. Only hs256_secret is ever used for HS256 and only the RSA key for
// RS256, so an HS256 token "signed" with the public key text never verifies.
struct JwtKeys {
  std::string hs256_secret;
  std::string rs256_public_key_pem;  // "-----BEGIN PUBLIC KEY-----" (SubjectPublicKeyInfo), RSA
};

struct JwtPolicy {
  std::string issuer;    // required `iss` value; empty = not checked
  std::string audience;  // must appear in `aud` (string or array); empty = not checked
  int64_t leeway_s = 30;  // clock skew allowed for `exp` and `nbf`, 0..3600
};

struct JwtClaims {
  std::string subject;
  std::string issuer;
  std::vector<std::string> audience;
  int64_t exp = 0, nbf = 0, iat = 0;  // seconds since the epoch; 0 when absent (exp never is)
  int64_t iat_ms = 0;  // iat in milliseconds, with its fraction (RFC 7519 NumericDate); 0 if absent
  std::string jti;
};

class JwtVerifier {
 public:
  // Parses the keys once. Fails with kInvalidArgument if the PEM is not an RSA public key of at
  // least 2048 bits, if hs256_secret is shorter than kMinHs256SecretBytes, if the secret equals
  // the PEM text, or if the leeway is outside 0..3600. With no key at all the verifier is
  // created but disabled: enabled() is false and Verify() always fails.
  static Result<JwtVerifier> Create(JwtKeys keys, JwtPolicy policy);

  // Checks `token` at time `now_s` (seconds since the epoch) and returns its claims.
  // Fails with kUnauthenticated and a short reason ("token expired", "bad signature",
  // "alg none not allowed", "wrong audience", ...) for any token that is not acceptable.
  // Rules: three segments of strict base64url; header and payload are JSON objects without
  // duplicate keys; header alg is HS256 or RS256 *and* a key for it is configured; no `crit`;
  // numeric `exp` required with exp > now - leeway; `nbf` if present <= now + leeway;
  // `iss`/`aud` checked against the policy when set; `sub` is a non-empty string.
  Result<JwtClaims> Verify(std::string_view token, int64_t now_s) const;

  bool enabled() const;
  bool hs256_enabled() const;
  bool rs256_enabled() const;
  const JwtPolicy& policy() const { return policy_; }

 private:
  struct KeyMaterial;  // holds the secret and the EVP_PKEY (RAII); defined in jwt.cpp

  JwtVerifier(std::shared_ptr<const KeyMaterial> keys, JwtPolicy policy);
  // The signature over "<header>.<payload>" with the configured key of the header's algorithm.
  Status CheckSignature(bool is_hs256, std::string_view signing_input,
                        std::string_view signature_b64) const;

  std::shared_ptr<const KeyMaterial> keys_;
  JwtPolicy policy_;
};

// Returns "<header>.<payload>.<signature>" for the JSON object `claims`, header
// {"alg":"HS256","typ":"JWT"}. Fails with kInvalidArgument if `claims` is not an object, holds
// invalid UTF-8, or `secret` is empty.
Result<std::string> SignHs256(const nlohmann::json& claims, std::string_view secret);

// Same with RS256 (RSASSA-PKCS1-v1_5 SHA-256). `private_key_pem` is an RSA private key in PEM
// (PKCS#8 or traditional, unencrypted). Fails with kInvalidArgument on a bad key or claims.
Result<std::string> SignRs256(const nlohmann::json& claims, std::string_view private_key_pem);

// Cheap shape test used to route a CONNECT password to JWT or password auth: starts with "eyJ"
// (base64url of '{"') and contains exactly two '.'. Says nothing about validity.
bool LooksLikeJwt(std::string_view s);

}  // namespace mqchat::auth
