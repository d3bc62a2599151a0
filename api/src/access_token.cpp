#include "access_token.h"

#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include "auth/jwt.h"

namespace mqchat::api {
namespace {

std::string RandomHex(int bytes) {
  std::string raw(static_cast<size_t>(bytes), '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1) return "";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace

Result<AccessTokenIssuer> AccessTokenIssuer::Create(std::string private_key_pem,
                                                    std::string issuer, std::string audience,
                                                    int64_t ttl_s) {
  AccessTokenIssuer issuer_obj;
  issuer_obj.private_key_pem_ = std::move(private_key_pem);
  issuer_obj.issuer_ = std::move(issuer);
  issuer_obj.audience_ = std::move(audience);
  issuer_obj.ttl_s_ = ttl_s;
  auto probe = issuer_obj.Issue("probe", 0);
  if (!probe.ok()) {
    return Status::InvalidArgument("the JWT private key cannot sign RS256: " +
                                   probe.status().message());
  }
  return issuer_obj;
}

Result<AccessToken> AccessTokenIssuer::Issue(const std::string& username, int64_t now_ms) const {
  std::string jti = RandomHex(16);
  if (jti.empty()) return Status::Internal("RAND_bytes failed");
  const int64_t now_s = now_ms / 1000;
  // iat to the millisecond (a NumericDate may have a fraction, RFC 7519 2): brokers compare it
  // with the user's sessions cut-off, so a login just after a password change is not taken for
  // one just before it.
  nlohmann::json iat = now_ms % 1000 == 0 ? nlohmann::json(now_s)
                                          : nlohmann::json(static_cast<double>(now_ms) / 1000.0);
  nlohmann::json claims = {{"sub", username},
                           {"iat", std::move(iat)},
                           {"nbf", now_s},
                           {"exp", now_s + ttl_s_},
                           {"jti", jti}};
  if (!issuer_.empty()) claims["iss"] = issuer_;
  if (!audience_.empty()) claims["aud"] = audience_;
  auto signed_token = auth::SignRs256(claims, private_key_pem_);
  if (!signed_token.ok()) return signed_token.status();
  return AccessToken{std::move(*signed_token), ttl_s_};
}

}  // namespace mqchat::api
