#include "auth/jwt.h"

#include <climits>
#include <cmath>
#include <optional>
#include <set>
#include <utility>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "auth/base64url.h"

namespace mqchat::auth {
namespace {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const noexcept { EVP_PKEY_free(key); }
};
struct EvpMdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
struct BioFree {
  void operator()(BIO* bio) const noexcept { BIO_free(bio); }
};
using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

constexpr int kMinRsaBits = 2048;
constexpr int64_t kMaxLeewaySeconds = 3600;
// 9999-12-31T23:59:59Z. Bounding dates keeps every `date +/- leeway` free of overflow.
constexpr int64_t kMaxNumericDate = 253402300799;
constexpr size_t kMaxSubjectBytes = 256;
constexpr std::string_view kHs256Header = R"({"alg":"HS256","typ":"JWT"})";
constexpr std::string_view kRs256Header = R"({"alg":"RS256","typ":"JWT"})";

Status Unauth(std::string reason) { return Status::Unauthenticated(std::move(reason)); }

// Never prompt on a terminal for a passphrase: encrypted keys simply fail to load.
int NoPassphrase(char*, int, int, void*) { return -1; }

// Returns the OpenSSL error queue's newest reason (for logs) and clears the queue so that a
// failure here never leaks into an unrelated later OpenSSL call on this thread.
std::string TakeOpensslError() {
  unsigned long code = ERR_peek_last_error();
  std::string text;
  if (code != 0) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    text = buf;
  }
  ERR_clear_error();
  return text;
}

Result<EvpPkeyPtr> LoadRsaKey(std::string_view pem, bool is_private) {
  if (pem.size() > static_cast<size_t>(INT_MAX)) return Status::InvalidArgument("key too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return Status::Internal("BIO_new_mem_buf failed");
  EvpPkeyPtr key(is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr)
                            : PEM_read_bio_PUBKEY(bio.get(), nullptr, NoPassphrase, nullptr));
  if (!key) {
    std::string why = TakeOpensslError();
    return Status::InvalidArgument(std::string(is_private ? "bad RSA private key PEM"
                                                          : "bad RSA public key PEM") +
                                   (why.empty() ? "" : ": " + why));
  }
  if (EVP_PKEY_is_a(key.get(), "RSA") != 1) return Status::InvalidArgument("key is not RSA");
  if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits) {
    return Status::InvalidArgument("RSA key shorter than 2048 bits");
  }
  return key;
}

// Parses `text` as a JSON object. Duplicate keys (at any depth) are rejected: different JSON
// parsers keep different duplicates, which lets a token mean one thing here and another elsewhere.
Result<nlohmann::json> ParseObject(std::string_view text, std::string_view what) {
  std::vector<std::set<std::string>> open_objects;
  bool duplicate = false;
  auto on_event = [&](int /*depth*/, nlohmann::json::parse_event_t event,
                      nlohmann::json& parsed) {
    switch (event) {
      case nlohmann::json::parse_event_t::object_start:
        open_objects.emplace_back();
        break;
      case nlohmann::json::parse_event_t::object_end:
        if (!open_objects.empty()) open_objects.pop_back();
        break;
      case nlohmann::json::parse_event_t::key:
        if (const auto* key = parsed.get_ptr<const std::string*>();
            key != nullptr && !open_objects.empty() &&
            !open_objects.back().insert(*key).second) {
          duplicate = true;
        }
        break;
      default:
        break;
    }
    return true;
  };
  nlohmann::json value = nlohmann::json::parse(text.begin(), text.end(), on_event,
                                               /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) {
    return Unauth(std::string(what) + " is not a JSON object");
  }
  if (duplicate) return Unauth("duplicate key in " + std::string(what));
  return value;
}

// Reads an optional NumericDate claim in milliseconds: a JSON number of seconds in
// [0, kMaxNumericDate], its fraction kept to the millisecond.
Result<std::optional<int64_t>> NumericDateMs(const nlohmann::json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end()) return std::optional<int64_t>();
  auto bad = [&] { return Unauth(std::string("bad ") + name); };
  if (it->is_number_unsigned()) {
    uint64_t v = it->get<uint64_t>();
    if (v > static_cast<uint64_t>(kMaxNumericDate)) return bad();
    return std::optional<int64_t>(static_cast<int64_t>(v) * 1000);
  }
  if (it->is_number_integer()) {
    int64_t v = it->get<int64_t>();
    if (v < 0 || v > kMaxNumericDate) return bad();
    return std::optional<int64_t>(v * 1000);
  }
  if (it->is_number_float()) {
    double v = it->get<double>();
    if (!std::isfinite(v) || v < 0 || v > static_cast<double>(kMaxNumericDate)) return bad();
    // Rounded to the nearest millisecond first: 1.001 is 1000.9999... as a double.
    return std::optional<int64_t>(static_cast<int64_t>(std::llround(v * 1000.0)));
  }
  return bad();
}

// The same claim in whole seconds, fractions dropped.
Result<std::optional<int64_t>> NumericDate(const nlohmann::json& payload, const char* name) {
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int64_t> ms, NumericDateMs(payload, name));
  if (ms) *ms /= 1000;
  return ms;
}

Result<std::string> OptionalString(const nlohmann::json& payload, const char* name) {
  auto it = payload.find(name);
  if (it == payload.end()) return std::string();
  if (!it->is_string()) return Unauth(std::string("bad ") + name);
  return it->get<std::string>();
}

bool IsAlgNone(std::string_view alg) {
  if (alg.size() != 4) return false;
  for (size_t i = 0; i < 4; ++i) {
    char c = alg[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != "none"[i]) return false;
  }
  return true;
}

Result<std::string> HmacSha256(std::string_view key, std::string_view data) {
  if (key.empty() || key.size() > static_cast<size_t>(INT_MAX)) {
    return Status::InvalidArgument("bad HS256 secret");
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
           &mac_len) == nullptr) {
    TakeOpensslError();
    return Status::Internal("HMAC failed");
  }
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

bool VerifyRs256(EVP_PKEY* key, std::string_view data, std::string_view signature) {
  if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key))) return false;
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  bool ok = ctx && EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                             data.size()) == 1;
  if (!ok) TakeOpensslError();
  return ok;
}

// Serializes the claims; nlohmann throws on invalid UTF-8, which must not escape.
Result<std::string> DumpClaims(const nlohmann::json& claims) {
  if (!claims.is_object()) return Status::InvalidArgument("JWT claims must be a JSON object");
  try {
    return claims.dump();
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidArgument(std::string("JWT claims not serializable: ") + e.what());
  }
}

}  // namespace

struct JwtVerifier::KeyMaterial {
  std::string hs256_secret;
  EvpPkeyPtr rsa_public_key;  // null when RS256 is off
  ~KeyMaterial() { OPENSSL_cleanse(hs256_secret.data(), hs256_secret.size()); }
};

JwtVerifier::JwtVerifier(std::shared_ptr<const KeyMaterial> keys, JwtPolicy policy)
    : keys_(std::move(keys)), policy_(std::move(policy)) {}

Result<JwtVerifier> JwtVerifier::Create(JwtKeys keys, JwtPolicy policy) {
  if (policy.leeway_s < 0 || policy.leeway_s > kMaxLeewaySeconds) {
    return Status::InvalidArgument("jwt leeway must be in 0..3600 seconds");
  }
  auto material = std::make_shared<KeyMaterial>();
  if (!keys.hs256_secret.empty()) {
    if (keys.hs256_secret.size() < kMinHs256SecretBytes) {
      return Status::InvalidArgument("HS256 secret must be at least 32 bytes");
    }
    if (keys.hs256_secret == keys.rs256_public_key_pem) {
      return Status::InvalidArgument("HS256 secret must not be the RSA public key");
    }
    material->hs256_secret = std::move(keys.hs256_secret);
  }
  if (!keys.rs256_public_key_pem.empty()) {
    MQCHAT_ASSIGN_OR_RETURN(material->rsa_public_key,
                            LoadRsaKey(keys.rs256_public_key_pem, /*is_private=*/false));
  }
  return JwtVerifier(std::move(material), std::move(policy));
}

bool JwtVerifier::hs256_enabled() const { return !keys_->hs256_secret.empty(); }
bool JwtVerifier::rs256_enabled() const { return keys_->rsa_public_key != nullptr; }
bool JwtVerifier::enabled() const { return hs256_enabled() || rs256_enabled(); }

namespace {

// The header's algorithm, refused unless a key of that kind is configured. True: HS256.
Result<bool> CheckHeader(std::string_view header_b64, bool hs256_enabled, bool rs256_enabled) {
  Result<std::string> header_text = Base64UrlDecode(header_b64);
  if (!header_text.ok()) return Unauth("bad header encoding");
  MQCHAT_ASSIGN_OR_RETURN(nlohmann::json header, ParseObject(*header_text, "header"));
  auto alg_it = header.find("alg");
  if (alg_it == header.end()) return Unauth("missing alg");
  if (!alg_it->is_string()) return Unauth("bad alg");
  const std::string alg = alg_it->get<std::string>();
  if (IsAlgNone(alg)) return Unauth("alg none not allowed");
  const bool is_hs256 = alg == "HS256";
  if (!is_hs256 && alg != "RS256") return Unauth("unsupported alg");
  if (is_hs256 && !hs256_enabled) return Unauth("alg HS256 not enabled");
  if (!is_hs256 && !rs256_enabled) return Unauth("alg RS256 not enabled");
  // We implement no header extensions, and RFC 7515 says a listed one we don't know is fatal.
  if (header.contains("crit")) return Unauth("crit header not supported");
  return is_hs256;
}

// exp (required), nbf and iat, checked against `now_s` with `leeway_s`.
Status ReadTimes(const nlohmann::json& payload, int64_t now_s, int64_t leeway_s,
                 JwtClaims& claims) {
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int64_t> exp, NumericDate(payload, "exp"));
  if (!exp) return Unauth("missing exp");
  if (*exp + leeway_s <= now_s) return Unauth("token expired");
  claims.exp = *exp;
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int64_t> nbf, NumericDate(payload, "nbf"));
  if (nbf && *nbf - leeway_s > now_s) return Unauth("token not yet valid");
  claims.nbf = nbf.value_or(0);
  MQCHAT_ASSIGN_OR_RETURN(std::optional<int64_t> iat_ms, NumericDateMs(payload, "iat"));
  claims.iat_ms = iat_ms.value_or(0);
  claims.iat = claims.iat_ms / 1000;
  return Status::Ok();
}

// aud as a string or an array of strings; `required` (if set) must be among them.
Status ReadAudience(const nlohmann::json& payload, const std::string& required,
                    JwtClaims& claims) {
  if (auto aud = payload.find("aud"); aud != payload.end()) {
    if (aud->is_string()) {
      claims.audience.push_back(aud->get<std::string>());
    } else if (aud->is_array()) {
      for (const auto& entry : *aud) {
        if (!entry.is_string()) return Unauth("bad aud");
        claims.audience.push_back(entry.get<std::string>());
      }
    } else {
      return Unauth("bad aud");
    }
  }
  if (!required.empty()) {
    bool found = false;
    for (const auto& entry : claims.audience) found = found || entry == required;
    if (!found) return Unauth("wrong audience");
  }
  return Status::Ok();
}

// sub, which becomes a broker username (a C string): no NULs or other control characters.
Result<std::string> ReadSubject(const nlohmann::json& payload) {
  auto sub = payload.find("sub");
  if (sub == payload.end()) return Unauth("missing sub");
  if (!sub->is_string()) return Unauth("bad sub");
  std::string subject = sub->get<std::string>();
  if (subject.empty() || subject.size() > kMaxSubjectBytes) return Unauth("bad sub");
  for (unsigned char c : subject) {
    if (c < 0x20 || c == 0x7f) return Unauth("bad sub");
  }
  return subject;
}

}  // namespace

Status JwtVerifier::CheckSignature(bool is_hs256, std::string_view signing_input,
                                   std::string_view signature_b64) const {
  Result<std::string> signature = Base64UrlDecode(signature_b64);
  if (!signature.ok()) return Unauth("bad signature encoding");
  if (signature->empty()) return Unauth("missing signature");
  if (is_hs256) {
    // Only hs256_secret ever keys HMAC; the RSA PEM is never used as a secret.
    MQCHAT_ASSIGN_OR_RETURN(std::string mac, HmacSha256(keys_->hs256_secret, signing_input));
    if (signature->size() != mac.size() ||
        CRYPTO_memcmp(signature->data(), mac.data(), mac.size()) != 0) {
      return Unauth("bad signature");
    }
  } else if (!VerifyRs256(keys_->rsa_public_key.get(), signing_input, *signature)) {
    return Unauth("bad signature");
  }
  return Status::Ok();
}

Result<JwtClaims> JwtVerifier::Verify(std::string_view token, int64_t now_s) const {
  if (!enabled()) return Unauth("jwt auth not configured");
  if (token.empty()) return Unauth("empty token");
  if (token.size() > kMaxJwtLength) return Unauth("token too large");

  const size_t dot1 = token.find('.');
  const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Unauth("token must have 3 segments");
  }
  const std::string_view header_b64 = token.substr(0, dot1);
  const std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_b64 = token.substr(dot2 + 1);
  const std::string_view signing_input = token.substr(0, dot2);

  MQCHAT_ASSIGN_OR_RETURN(bool is_hs256,
                          CheckHeader(header_b64, hs256_enabled(), rs256_enabled()));
  // Signature before looking at the payload: unsigned claims are never parsed.
  MQCHAT_RETURN_IF_ERROR(CheckSignature(is_hs256, signing_input, signature_b64));

  Result<std::string> payload_text = Base64UrlDecode(payload_b64);
  if (!payload_text.ok()) return Unauth("bad payload encoding");
  MQCHAT_ASSIGN_OR_RETURN(nlohmann::json payload, ParseObject(*payload_text, "payload"));

  JwtClaims claims;
  MQCHAT_RETURN_IF_ERROR(ReadTimes(payload, now_s, policy_.leeway_s, claims));
  MQCHAT_ASSIGN_OR_RETURN(claims.issuer, OptionalString(payload, "iss"));
  if (!policy_.issuer.empty() && claims.issuer != policy_.issuer) return Unauth("wrong issuer");
  MQCHAT_RETURN_IF_ERROR(ReadAudience(payload, policy_.audience, claims));
  MQCHAT_ASSIGN_OR_RETURN(claims.subject, ReadSubject(payload));
  MQCHAT_ASSIGN_OR_RETURN(claims.jti, OptionalString(payload, "jti"));
  return claims;
}

Result<std::string> SignHs256(const nlohmann::json& claims, std::string_view secret) {
  if (secret.empty()) return Status::InvalidArgument("HS256 secret must not be empty");
  MQCHAT_ASSIGN_OR_RETURN(std::string payload, DumpClaims(claims));
  std::string token = Base64UrlEncode(kHs256Header) + "." + Base64UrlEncode(payload);
  MQCHAT_ASSIGN_OR_RETURN(std::string mac, HmacSha256(secret, token));
  return token + "." + Base64UrlEncode(mac);
}

Result<std::string> SignRs256(const nlohmann::json& claims, std::string_view private_key_pem) {
  MQCHAT_ASSIGN_OR_RETURN(EvpPkeyPtr key, LoadRsaKey(private_key_pem, /*is_private=*/true));
  MQCHAT_ASSIGN_OR_RETURN(std::string payload, DumpClaims(claims));
  std::string token = Base64UrlEncode(kRs256Header) + "." + Base64UrlEncode(payload);
  EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  size_t sig_len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(token.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_len, data, token.size()) != 1) {
    return Status::Internal("RS256 sign setup failed: " + TakeOpensslError());
  }
  std::string signature(sig_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &sig_len,
                     data, token.size()) != 1) {
    return Status::Internal("RS256 sign failed: " + TakeOpensslError());
  }
  signature.resize(sig_len);
  return token + "." + Base64UrlEncode(signature);
}

bool LooksLikeJwt(std::string_view s) {
  if (s.substr(0, 3) != "eyJ") return false;
  size_t dots = 0;
  for (char c : s) dots += c == '.' ? 1 : 0;
  return dots == 2;
}

}  // namespace mqchat::auth
