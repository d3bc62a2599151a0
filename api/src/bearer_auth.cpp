#include "bearer_auth.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace mqchat::api {
namespace {

using protocol::http::ApiErrorCode;

ApiResponse Unauthenticated(std::string_view why) {
  ApiResponse response = ErrorResponse(ApiErrorCode::kUnauthenticated, why);
  response.headers.emplace_back("WWW-Authenticate", "Bearer");
  return response;
}

// The token of an "Authorization: Bearer <token>" header (the scheme ignoring case); "" if none.
std::string BearerToken(const std::string& header) {
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size()) return "";
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(header[i])) != kScheme[i]) return "";
  }
  size_t start = header.find_first_not_of(' ', kScheme.size());
  return start == std::string::npos ? "" : header.substr(start);
}

}  // namespace

Result<std::string> PublicKeyPemOf(const std::string& private_key_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> in(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())),
      &BIO_free);
  if (!in) return Status::Internal("BIO_new_mem_buf failed");
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(in.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  if (!key) return Status::InvalidArgument("not a PEM private key");
  std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), &BIO_free);
  if (!out || PEM_write_bio_PUBKEY(out.get(), key.get()) != 1) {
    return Status::Internal("cannot write the public key");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

Result<BearerAuth> BearerAuth::Create(const std::string& private_key_pem, std::string issuer,
                                      std::string audience) {
  MQCHAT_ASSIGN_OR_RETURN(std::string public_pem, PublicKeyPemOf(private_key_pem));
  auth::JwtKeys keys;
  keys.rs256_public_key_pem = std::move(public_pem);
  auth::JwtPolicy policy;
  policy.issuer = std::move(issuer);
  policy.audience = std::move(audience);
  MQCHAT_ASSIGN_OR_RETURN(auth::JwtVerifier verifier, auth::JwtVerifier::Create(keys, policy));
  return BearerAuth(std::move(verifier));
}

std::variant<std::string, ApiResponse> BearerAuth::Authenticate(const ApiRequest& request,
                                                                StoreLease& store,
                                                                int64_t now_ms) const {
  const std::string token = BearerToken(request.authorization);
  if (token.empty()) return Unauthenticated("an access token is required (Authorization: Bearer)");
  auto claims = verifier_.Verify(token, now_ms / 1000);
  if (!claims.ok()) return Unauthenticated("the access token is not valid");
  auto user = store->GetUser(claims->subject);
  if (!user.ok()) {
    if (user.status().code() == Code::kNotFound) {
      return Unauthenticated("the access token is not valid");
    }
    if (user.status().code() == Code::kUnavailable) store.Discard();
    return FailureResponse(user.status(), "bearer get user");
  }
  if (user->state != store::UserState::kActive ||
      claims->iat_ms < user->sessions_valid_after_ms) {
    return Unauthenticated("the access token is not valid");
  }
  return user->username;
}

}  // namespace mqchat::api
